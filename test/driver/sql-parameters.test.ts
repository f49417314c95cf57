/**
 * SQL in the package binds plain `?` parameters only.
 *
 * node:sqlite 22.13.0 — the oldest Node in `engines` — refuses a statement
 * that uses a numbered parameter twice (`WHERE a = ?1 OR b = ?1` bound with
 * one value throws "column index out of range"); later Node versions accept
 * it. The package's own tests run on Node 24, so they cannot see that: this
 * scan of every SQL string in `src/` keeps numbered parameters out.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** String and template literals of a file, comments dropped (good enough for this source tree). */
function literals(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...withoutComments.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)].map((m) => m[0]);
}

const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES)\b/;
const NUMBERED = /\?\d+/;

it('binds only plain ? parameters in the SQL of src/', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const literal of literals(readFileSync(file, 'utf8'))) {
      if (!SQL.test(literal)) continue;
      const match = NUMBERED.exec(literal);
      if (match) offenders.push(`${relative(SRC, file)}: ${match[0]} in ${literal.slice(0, 80)}`);
    }
  }
  assert.deepEqual(offenders, []);
});

it('the scan sees a numbered parameter when there is one', () => {
  const found = literals("const q = 'SELECT a FROM t WHERE a = ?1 OR b = ?1'; // ?2 in a comment").filter(
    (l) => SQL.test(l) && NUMBERED.test(l),
  );
  assert.equal(found.length, 1);
});
