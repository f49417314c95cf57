/**
 * The suite that runs the code blocks of Markdown files as written, twice in a
 * row, in one fresh project that installs the packed package (`npm pack` of a
 * fresh build, `npm install <tarball>` plus the optional peers: see
 * test/support/packed.ts). Used for README.md (readme.test.ts) and for every
 * page of docs/guides/ (guides.test.ts).
 *
 * - TypeScript / JavaScript blocks are programs: each is written to its own
 *   folder of the project and run with this Node (type stripping runs the
 *   TypeScript), twice, so an example that writes files must also work on its
 *   second run. They are also type-checked, strict, against the package's own
 *   declarations.
 * - Shell blocks are commands, checked (not run) by `shellProblem`.
 * - A block marked `<!-- fragment: why -->` just before it is skipped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCommandArgs, type Command } from '../../src/cli/command.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { REPO_ROOT, consumerProject, execCommand, type ConsumerProject } from '../support/packed.ts';
import { codeBlocks, shellProblem, type CliFacts, type CodeBlock, type PackageFacts } from './blocks.ts';

export const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageFacts & { devDependencies?: Record<string, string> };

/** `name@range` of a devDependency, for a page whose programs use a package the consumer would install themselves. */
export function devDependency(name: string): string {
  const range = pkg.devDependencies?.[name];
  if (range === undefined) throw new Error(`package.json has no devDependency ${name}`);
  return `${name}@${range}`;
}
/** The optional peers (sql.js, the framework packages), installed beside the package. */
const peers = Object.entries(pkg.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
/** The `lash-store` commands a shell block may run (`npx lash-store …`), checked as the tool parses them. */
export const cli: CliFacts = {
  bin: Object.keys(pkg.bin ?? {})[0] ?? 'lash-store',
  commands: COMMANDS,
  parse: (command, args) => parseCommandArgs(command as Command, args),
};

export interface MarkdownFile {
  /** Absolute path. */
  readonly path: string;
  /** Repository-relative, for messages. */
  readonly name: string;
  readonly text: string;
  readonly blocks: CodeBlock[];
}

export function markdownFile(path: string): MarkdownFile {
  const text = readFileSync(path, 'utf8');
  return { path, name: relative(REPO_ROOT, path), text, blocks: codeBlocks(text) };
}

function folderOf(file: MarkdownFile, block: CodeBlock): string {
  return `${basename(file.path, '.md')}-line-${block.line}`;
}

function mainOf(block: CodeBlock): string {
  return block.lang.startsWith('j') || block.lang === 'mjs' ? 'main.mjs' : 'main.ts';
}

/** Every block of `files` is a program, a checked shell command or a marked fragment. */
export function checkBlockKinds(files: readonly MarkdownFile[]): void {
  for (const file of files) {
    for (const block of file.blocks) {
      assert.notEqual(block.kind, 'unknown', `${file.name}:${block.line}: a \`${block.lang || 'plain'}\` block that is neither runnable nor marked <!-- fragment: why -->`);
      if (block.kind === 'shell') assert.equal(shellProblem(block.code, pkg, cli), null, `${file.name}:${block.line}`);
    }
  }
}

/** Writes every program of `files` into one consumer project, type-checks them all, and runs each twice. */
export interface MarkdownProgramsOptions {
  timeoutMs?: number;
  /** Installed beside the package and its peers (`name@range`), for pages whose programs use them. */
  extraDependencies?: readonly string[];
}

export function describeMarkdownPrograms(title: string, files: readonly MarkdownFile[], options: MarkdownProgramsOptions = {}): void {
  const programs = files.flatMap((file) => file.blocks.filter((block) => block.kind === 'program').map((block) => ({ file, block })));
  describe(title, { timeout: options.timeoutMs ?? 300_000 }, () => {
    let project: ConsumerProject;
    before(() => {
      project = consumerProject({ extraDependencies: [...peers, ...(options.extraDependencies ?? [])] });
      for (const { file, block } of programs) {
        const dir = join(project.dir, folderOf(file, block));
        mkdirSync(dir);
        writeFileSync(join(dir, mainOf(block)), block.code);
      }
    });
    after(() => project?.dispose());

    it('type-checks every program (strict) against the package declarations', async () => {
      writeFileSync(
        join(project.dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2023',
            lib: ['ES2024', 'ESNext.Disposable'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
          },
          include: ['*-line-*/main.ts'],
        }),
      );
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const { code, output } = await execCommand(process.execPath, [tsc, '-p', project.dir], project.dir, 120_000);
      assert.equal(code, 0, output);
    });

    for (const { file, block } of programs) {
      it(`${file.name}:${block.line} runs as written, twice in a row`, async () => {
        const dir = join(project.dir, folderOf(file, block));
        for (const run of ['first', 'second']) {
          const { code, output } = await execCommand(process.execPath, [mainOf(block)], dir);
          assert.equal(code, 0, `${file.name}:${block.line}, ${run} run:\n${output}`);
        }
      });
    }
  });
}
