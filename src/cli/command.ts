/**
 * How a command is declared and parsed. Arguments go through Node's built-in
 * `util.parseArgs` (strict: unknown options and missing values are usage
 * errors) — no dependency, maintained with Node itself, and enough for a
 * tool with a handful of flags per command. Help text is generated from the
 * same declarations, so it cannot drift from what is parsed.
 */
import { parseArgs } from 'node:util';
import { EXIT, usageError, type ExitCode } from './errors.ts';
import type { Output } from './output.ts';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** Placeholder of a string option's value in the help (`<ms>`). */
  readonly value?: string;
  readonly help: string;
}

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly out: Output;
  readonly now: number;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** `inspect <db|dir> [options]` */
  readonly usage: string;
  /** Paragraphs after the usage line. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: { readonly min: number; readonly max: number };
  run(ctx: CommandContext): Promise<ExitCode>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  debug: { type: 'boolean', help: 'print stack traces of errors' },
  'no-color': { type: 'boolean', help: 'never colour the output (NO_COLOR does the same)' },
});

export interface Parsed {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | undefined>;
}

export function parseCommandArgs(command: Command, args: readonly string[]): Parsed {
  const specs = { ...COMMON_OPTIONS, ...command.options };
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\nrun \`lash-store ${command.name} --help\` for usage`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help !== true) {
    const n = parsed.positionals.length;
    if (n < command.positionals.min) throw usageError(`missing argument\nusage: lash-store ${command.usage}`);
    if (n > command.positionals.max) throw usageError(`unexpected argument \`${parsed.positionals[command.positionals.max]}\`\nusage: lash-store ${command.usage}`);
  }
  return { positionals: parsed.positionals, values };
}

export function commandHelp(command: Command): string {
  const specs = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.value ?? '<value>'}` : ''}`;
    return [flag, spec.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `usage: lash-store ${command.usage}`,
    '',
    command.description,
    '',
    'options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export const EXIT_CODES_HELP = [
  'exit codes:',
  `  ${EXIT.ok}   ok (verify: healthy)`,
  `  ${EXIT.problems}   problems found, or damaged data refused`,
  `  ${EXIT.usage}   usage or input error (bad option, missing file, not a database, target exists)`,
  `  ${EXIT.busy}   the database is locked by another connection; try again`,
  `  ${EXIT.schema}   a component's schema version is not supported by this build`,
  `  ${EXIT.internal}  internal error (run with --debug)`,
].join('\n');

/** A non-negative integer option, or its default. */
export function integerOption(values: Parsed['values'], name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw usageError(`--${name} must be a non-negative integer (got \`${String(raw)}\`)`);
  }
  return value;
}
