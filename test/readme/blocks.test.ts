/** The README test's block reader: kinds, fragment markers, and the shell-command check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeBlocks, shellProblem } from './blocks.ts';

const pkg = { name: 'lash-sqlite-store', scripts: { test: 'node --test', demo: 'node demo/main.ts' } };

describe('README block reader', () => {
  it('classifies blocks and honours <!-- fragment --> markers (with or without a reason, blank lines between)', () => {
    const md = [
      '# t',
      '```ts',
      'console.log(1);',
      '```',
      '<!-- fragment -->',
      '```ts',
      'partial(',
      '```',
      '<!-- fragment: a listing -->',
      '',
      '```',
      'src/',
      '```',
      '```sh',
      'npm test',
      '```',
      '```python',
      'print(1)',
      '```',
    ].join('\n');
    assert.deepEqual(
      codeBlocks(md).map((b) => [b.line, b.lang, b.kind]),
      [
        [2, 'ts', 'program'],
        [6, 'ts', 'fragment'],
        [11, '', 'fragment'],
        [14, 'sh', 'shell'],
        [17, 'python', 'unknown'],
      ],
    );
    assert.equal(codeBlocks(md)[0]!.code, 'console.log(1);\n');
  });

  it('accepts npm commands the package can run, and names what it refuses', () => {
    assert.equal(shellProblem('npm install && npm run demo    # the demo\nnpm install && npm test\nnpm install lash-sqlite-store\n', pkg), null);
    assert.match(shellProblem('npm run bench', pkg)!, /no script `bench`/);
    assert.match(shellProblem('npm install left-pad', pkg)!, /installs something other than lash-sqlite-store/);
    assert.match(shellProblem('rm -rf /', pkg)!, /only npm commands/);
    assert.match(shellProblem('npm publish', pkg)!, /not checked/);
  });

  it('checks `npx <bin> <command> …` with the tool\'s own parser when a tool is given', () => {
    const cli = {
      bin: 'lash-store',
      commands: [{ name: 'gc' }],
      parse: (_command: { name: string }, args: readonly string[]) => {
        if (args.some((arg) => arg.startsWith('--') && arg !== '--dry-run')) throw new Error('unknown option');
      },
    };
    assert.equal(shellProblem('npx lash-store gc a.db --dry-run\nnpx lash-store gc a.db > report.txt # comment', pkg, cli), null);
    assert.match(shellProblem('npx lash-store gc a.db --bogus', pkg, cli)!, /refuses these arguments: unknown option/);
    assert.match(shellProblem('npx lash-store nuke a.db', pkg, cli)!, /no command `nuke`/);
    assert.match(shellProblem('npx lash-store gc a.db > x --dry-run', pkg, cli)!, /trailing `> file`/);
    assert.match(shellProblem('npx lash-store gc a.db', pkg)!, /only npm commands/);
  });
});
