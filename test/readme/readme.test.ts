/**
 * Every code block of README.md runs as written, twice in a row, in a fresh
 * project that installs the packed package (`npm pack` of a fresh build,
 * `npm install <tarball>`: see test/support/packed.ts).
 *
 * - TypeScript / JavaScript blocks are programs: each is written to its own
 *   folder of the project and run with this Node (type stripping runs the
 *   TypeScript), twice, so an example that writes files must also work on
 *   its second run (a resumed session). They are also type-checked, strict,
 *   against the package's own declarations.
 * - Browser blocks (`lash-sqlite-store/sqljs`) run the same way, under Node:
 *   the sqljs entry is the same code in Node and in browsers (the browser
 *   itself is covered by test/browser, which runs the driver in Chromium).
 * - Shell blocks are commands: each must be `npm install` (of this
 *   package), `npm test`, or `npm run <script>` of a script package.json has.
 * - A block marked `<!-- fragment -->` just before it is skipped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, consumerProject, execCommand, type ConsumerProject } from '../support/packed.ts';
import { codeBlocks, shellProblem, type CodeBlock } from './blocks.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  scripts: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/** The optional peers (sql.js), installed beside the package as the README's install line says. */
const peers = Object.entries(pkg.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
const blocks = codeBlocks(readme);
const programs = blocks.filter((block) => block.kind === 'program');

function folderOf(block: CodeBlock): string {
  return `block-line-${block.line}`;
}

describe('README code blocks', () => {
  it('every block is a program, a checked shell command, or marked as a fragment', () => {
    assert.ok(programs.length >= 5, `expected the README's examples, found ${programs.length} programs`);
    for (const block of blocks) {
      assert.notEqual(block.kind, 'unknown', `README.md:${block.line}: a \`${block.lang || 'plain'}\` block that is neither runnable nor marked <!-- fragment -->`);
      if (block.kind === 'shell') assert.equal(shellProblem(block.code, pkg), null, `README.md:${block.line}`);
    }
    assert.ok(readme.includes(`npm install ${pkg.name}`), 'the install line');
  });

  describe('run against the packed package', { timeout: 300_000 }, () => {
    let project: ConsumerProject;
    before(() => {
      project = consumerProject({ extraDependencies: peers });
      for (const block of programs) {
        const dir = join(project.dir, folderOf(block));
        mkdirSync(dir);
        writeFileSync(join(dir, block.lang.startsWith('j') ? 'main.mjs' : 'main.ts'), block.code);
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
          include: ['block-line-*/main.ts'],
        }),
      );
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const { code, output } = await execCommand(process.execPath, [tsc, '-p', project.dir], project.dir);
      assert.equal(code, 0, output);
    });

    for (const block of programs) {
      it(`README.md:${block.line} runs as written, twice in a row`, async () => {
        const dir = join(project.dir, folderOf(block));
        const file = block.lang.startsWith('j') ? 'main.mjs' : 'main.ts';
        for (const run of ['first', 'second']) {
          const { code, output } = await execCommand(process.execPath, [file], dir);
          assert.equal(code, 0, `README.md:${block.line}, ${run} run:\n${output}`);
        }
      });
    }
  });
});
