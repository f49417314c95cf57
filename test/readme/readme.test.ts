/**
 * Every code block of README.md runs as written, twice in a row, in a fresh
 * project that installs the packed package (see markdown-programs.ts).
 *
 * - Browser blocks (`lash-sqlite-store/sqljs`) run the same way, under Node:
 *   the sqljs entry is the same code in Node and in browsers (the browser
 *   itself is covered by test/browser, which runs the driver in Chromium).
 * - Shell blocks are commands: each must be `npm install` (of this
 *   package), `npm test`, or `npm run <script>` of a script package.json has.
 * - A block marked `<!-- fragment -->` just before it is skipped.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/packed.ts';
import { checkBlockKinds, describeMarkdownPrograms, markdownFile, pkg } from './markdown-programs.ts';

const readme = markdownFile(join(REPO_ROOT, 'README.md'));

describe('README code blocks', () => {
  it('every block is a program, a checked shell command, or marked as a fragment', () => {
    const programs = readme.blocks.filter((block) => block.kind === 'program');
    assert.ok(programs.length >= 5, `expected the README's examples, found ${programs.length} programs`);
    checkBlockKinds([readme]);
    assert.ok(readme.text.includes(`npm install ${pkg.name}`), 'the install line');
  });

  describeMarkdownPrograms('run against the packed package', [readme]);
});
