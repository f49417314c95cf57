/**
 * The README is the package's npm page, and docs/ is not in the tarball: its
 * links are absolute URLs into the repository (`repository.url`), each
 * naming a file or folder that exists in this tree. No build needed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../support/packed.ts';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { repository: { url: string }; files: string[] };
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
/** `git+https://github.com/o/r.git` → `https://github.com/o/r`. */
const repository = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);

it('README links work on the npm page: absolute, and those into the repository name files that exist', () => {
  assert.ok(links.length > 10, `found ${links.length} links`);
  assert.deepEqual(
    links.filter((link) => !/^(https?:\/\/|#)/.test(link)),
    [],
    `relative links do not resolve on the npm page: use ${repository}/blob/main/<path>`,
  );
  const own = links.filter((link) => link.startsWith(`${repository}/`));
  assert.ok(own.some((link) => link.includes('/docs/')), 'the README links the docs');
  for (const link of own) {
    const path = /^\/(?:blob|tree)\/main\/([^#?]+)/.exec(link.slice(repository.length))?.[1];
    assert.ok(path !== undefined, `${link}: expected ${repository}/blob/main/<path> or /tree/main/<path>`);
    assert.ok(existsSync(join(REPO_ROOT, path)), `${link}: ${path} does not exist`);
  }
  assert.ok(!manifest.files.includes('docs'), 'docs/ is linked, not shipped');
});
