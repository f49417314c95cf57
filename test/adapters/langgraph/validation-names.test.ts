/**
 * LangGraph's conformance suite skips cases for savers named like its own
 * (`it_skipForSomeModules(checkpointerName, {name: reason})`) and narrows
 * the `list` filters for one of them. Our savers must run every case, so
 * their names must be in none of those lists.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { VALIDATION_NAMES } from './validation-names.ts';

const require = createRequire(import.meta.url);
const specDir = join(dirname(require.resolve('@langchain/langgraph-checkpoint-validation')), 'spec');

/** Every saver name the suite's compiled specs treat specially. */
function specialNames(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(specDir, file), 'utf8');
    for (const call of source.matchAll(/it_skipForSomeModules\(initializer\.checkpointerName, \{([^}]*)\}/g)) {
      for (const key of call[1]!.matchAll(/(?:"([^"]+)"|([A-Za-z_$][\w$]*))\s*:/g)) names.add(key[1] ?? key[2]!);
    }
    for (const compare of source.matchAll(/checkpointerName === "([^"]+)"/g)) names.add(compare[1]!);
  }
  return names;
}

test('the suite has skip lists, and our saver names are in none of them', () => {
  const special = specialNames();
  // The lists exist (so this test can fail): LangGraph's own savers are in them.
  assert.ok(special.has('MemorySaver'), [...special].join(', '));
  assert.ok(special.has('@langchain/langgraph-checkpoint-sqlite'));
  for (const name of Object.values(VALIDATION_NAMES)) assert.equal(special.has(name), false, name);
});
