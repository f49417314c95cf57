/**
 * `lash-store`: dispatches to a command, and turns every failure into one
 * clear line on stderr and a documented exit code (a stack trace only with
 * `--debug`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandHelp, EXIT_CODES_HELP, parseCommandArgs, type Command } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { describeError, EXIT, type ExitCode } from './errors.ts';
import { Output, type Stream } from './output.ts';

export interface Io {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  const out = new Output({ stdout: io.stdout, stderr: io.stderr, env: io.env, noColor: argv.includes('--no-color') });
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && command === undefined) return unknownCommand(topic, out);
    out.line(command ? commandHelp(command) : generalHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    out.line(packageVersion());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) return unknownCommand(first, out);
  try {
    const { positionals, values } = parseCommandArgs(command, rest);
    if (values.help === true) {
      out.line(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ positionals, values, out, now: (io.now ?? Date.now)() });
  } catch (error) {
    const { message, exitCode } = describeError(error);
    out.error(message);
    if (debug && error instanceof Error) out.debug(error.stack ?? String(error));
    else if (exitCode === EXIT.internal) out.debug('(run with --debug for the stack trace)');
    return exitCode;
  }
}

function unknownCommand(name: string, out: Output): ExitCode {
  out.error(`unknown command \`${name}\`; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  return EXIT.usage;
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c: Command) => c.name.length));
  return [
    'usage: lash-store <command> [options]',
    '',
    'Look inside, check, shrink and move lash-sqlite-store databases.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `lash-store <command> --help` for the options of a command.',
    '`lash-store --version` prints the version.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

/** The package's version, from the nearest `package.json` of lash-sqlite-store above this module. */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'lash-sqlite-store') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}
