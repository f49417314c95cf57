/**
 * The code blocks of a Markdown file, with how the README test treats each:
 * `program` (TypeScript or JavaScript, run as written), `shell` (commands,
 * checked against package.json), or `fragment` — a block preceded, on the
 * line before it or with only blank lines between, by `<!-- fragment -->`
 * or `<!-- fragment: why -->`, which is not a complete program and is
 * skipped. A block of any other language that is not marked is `unknown`,
 * which the test refuses (mark it, or make it runnable).
 */
export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  kind: 'program' | 'shell' | 'fragment' | 'unknown';
}

const PROGRAM = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const FRAGMENT = /^<!--\s*fragment(?::[^>]*)?\s*-->$/;

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[1]!;
    const lang = open[2]!.toLowerCase();
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(fence); i++) body.push(lines[i]!);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marked = before >= 0 && FRAGMENT.test(lines[before]!.trim());
    const kind = marked ? 'fragment' : PROGRAM.has(lang) ? 'program' : SHELL.has(lang) ? 'shell' : 'unknown';
    blocks.push({ line: start + 1, lang, code: `${body.join('\n')}\n`, kind });
  }
  return blocks;
}

/** What the shell check needs of package.json. */
export interface PackageFacts {
  name: string;
  scripts: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

/** A command-line tool whose invocations a shell block may show (`npx <bin> <command> …`). */
export interface CliFacts {
  bin: string;
  /** Each command with a parser that throws on arguments the tool would refuse. */
  commands: readonly { name: string }[];
  parse?: (command: { name: string }, args: readonly string[]) => unknown;
}

/**
 * What is wrong with a shell block, or `null`: every command must be
 * `npm install` (plain, or of this package and its peers), `npm test`,
 * `npm run <script>` of a script that exists, or — when `cli` is given —
 * `npx <bin> <command> …` with arguments the tool's own parser accepts (a
 * trailing `> file` redirection is allowed); chained with `&&`; comments
 * are fine.
 */
export function shellProblem(code: string, pkg: PackageFacts, cli?: CliFacts): string | null {
  const installable = new Set([pkg.name, ...Object.keys(pkg.peerDependencies ?? {})]);
  for (const raw of code.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    for (const command of line.split('&&').map((part) => part.trim().split(/\s+/))) {
      const [tool, verb, ...rest] = command;
      if (tool === 'npx' && cli !== undefined && verb === cli.bin) {
        const problem = cliProblem(rest, cli);
        if (problem !== null) return `\`${command.join(' ')}\`: ${problem}`;
        continue;
      }
      if (tool !== 'npm') return `\`${command.join(' ')}\`: only npm commands are checked; mark the block <!-- fragment -->`;
      if (verb === 'install' || verb === 'i' || verb === 'ci') {
        const packages = rest.filter((arg) => !arg.startsWith('-'));
        if (packages.some((name) => !installable.has(name))) return `\`${command.join(' ')}\` installs something other than ${pkg.name} and its peers`;
      } else if (verb === 'test') {
        if (pkg.scripts.test === undefined) return 'package.json has no test script';
      } else if (verb === 'run') {
        if (pkg.scripts[rest[0] ?? ''] === undefined) return `package.json has no script \`${rest[0]}\``;
      } else {
        return `\`npm ${verb}\` is not checked; mark the block <!-- fragment -->`;
      }
    }
  }
  return null;
}

function cliProblem(args: readonly string[], cli: CliFacts): string | null {
  const [name, ...rest] = args;
  const command = cli.commands.find((c) => c.name === name);
  if (command === undefined) return `\`${cli.bin}\` has no command \`${name}\``;
  const redirect = rest.indexOf('>');
  if (redirect >= 0 && redirect !== rest.length - 2) return 'only a trailing `> file` redirection is checked';
  try {
    cli.parse?.(command, redirect >= 0 ? rest.slice(0, redirect) : rest);
  } catch (error) {
    return `the tool refuses these arguments: ${(error as Error).message}`;
  }
  return null;
}
