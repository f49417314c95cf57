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
});
