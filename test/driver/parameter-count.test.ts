import assert from 'node:assert/strict';
import { it } from 'node:test';
import { countParameters } from '../../src/core/driver/parameters.ts';

it('counts positional parameters as SQLite numbers them', () => {
  const cases: Array<[string, number]> = [
    ['SELECT 1', 0],
    ['SELECT ?', 1],
    ['SELECT ?, ?, ?', 3],
    ['SELECT ?3', 3],
    ['SELECT ?2, ?', 3],
    ['SELECT ?, ?1', 1],
    ["SELECT '?', \"?\", `?`, [?], ?", 1],
    ["SELECT 'it''s ?', ?", 1],
    ['SELECT ? -- ?\n, ?', 2],
    ['SELECT ? /* ?, ? */, ?', 2],
    ['SELECT ? -- unterminated ?', 1],
    ["SELECT json_extract(x, '$.a') FROM t WHERE id = ?", 1],
  ];
  for (const [sql, count] of cases) assert.equal(countParameters(sql), count, sql);
});

it('does not count statements with named parameters (drivers bind arrays only)', () => {
  for (const sql of ['SELECT :a', 'SELECT @a, ?', 'SELECT $a']) assert.equal(countParameters(sql), -1, sql);
});
