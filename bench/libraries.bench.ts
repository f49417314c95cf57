/**
 * The library decisions of issue 18 ("libraries over hand-written code"),
 * measured side by side on the commit path's own values, so that each
 * figure in `docs/design.md` ("Decisions measured") can be rerun:
 * - record schemas: the kit in `core/shape.ts` (`decodeRuntimeCommit`) vs the
 *   same checks in `valibot` and in `zod/mini` (`bench/schema/`);
 * - msgpack: the direct encoder (`codec/msgpack.ts`) vs `@msgpack/msgpack`'s
 *   `Encoder`, reused, with `encodeSharedRef` (no copy);
 * - canonical JSON: `canonicalJson` vs `safe-stable-stringify` (strict,
 *   deterministic) and `canonicalize` (RFC 8785), on the normalised turn
 *   commit that is hashed.
 * Each pair must give the same result (checked first); the figures are
 * printed, with the ratio to the in-house piece, as `info:` lines.
 */
import assert from 'node:assert/strict';
import { Encoder } from '@msgpack/msgpack';
import canonicalizeModule from 'canonicalize';
import { configure } from 'safe-stable-stringify';
import { canonicalJson } from '../src/core/codec/canonical-json.ts';
import { encodeMsgpack } from '../src/core/codec/msgpack.ts';
import { decodeRuntimeCommit } from '../src/core/session/codecs.ts';
import { measureInterleaved, printTable, type BenchContext, type Measured } from './lib.ts';
import { decodeCommitValibot } from './schema/valibot-commit.ts';
import { decodeCommitZodMini } from './schema/zod-mini-commit.ts';
import { turnCommit } from './session.bench.ts';

// A CommonJS function export; its typings describe it as a namespace.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;
const stableStringify = configure({ deterministic: true, strict: true, bigint: false });

export default async function libraries(ctx: BenchContext): Promise<void> {
  const options = { rounds: ctx.quick ? 3 : 9, roundMs: ctx.quick ? 40 : 150 };
  const sample = turnCommit(7, 7, 's');
  const normalised = decodeRuntimeCommit(sample);
  const toolState = sample.checkpoint.tool_state!;
  const plugin = sample.checkpoint.plugin_snapshot!;
  const encoder = new Encoder({ sortKeys: true, ignoreUndefined: true });

  // Same answers first: the comparisons are only fair if they are.
  assert.deepEqual(decodeCommitValibot(sample), normalised);
  assert.deepEqual(decodeCommitZodMini(sample), normalised);
  assert.deepEqual(encoder.encodeSharedRef(toolState), encodeMsgpack(toolState));
  assert.equal(stableStringify(normalised), canonicalJson(normalised));
  assert.equal(canonicalize(normalised), canonicalJson(normalised));

  const groups: Array<[string, Record<string, () => unknown>]> = [
    [
      'turn commit schema',
      {
        'kit (core/shape.ts)': () => decodeRuntimeCommit(sample),
        valibot: () => decodeCommitValibot(sample),
        'zod/mini': () => decodeCommitZodMini(sample),
      },
    ],
    [
      'msgpack tool state 8 KiB',
      { direct: () => encodeMsgpack(toolState), '@msgpack/msgpack': () => encoder.encodeSharedRef(toolState) },
    ],
    [
      'msgpack plugin snapshot 2 KiB',
      { direct: () => encodeMsgpack(plugin), '@msgpack/msgpack': () => encoder.encodeSharedRef(plugin) },
    ],
    [
      'canonical JSON of the turn commit',
      {
        canonicalJson: () => canonicalJson(normalised),
        'safe-stable-stringify': () => stableStringify(normalised),
        canonicalize: () => canonicalize(normalised),
      },
    ],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [group, ops] of groups) {
    const measured: Record<string, Measured> = await measureInterleaved(ops, options);
    const [first, ...others] = Object.keys(ops);
    const base = measured[first!]!;
    for (const name of [first!, ...others]) {
      const m = measured[name]!;
      rows.push({ operation: `${group}: ${name}`, 'ops/s': m.opsPerSecond, 'µs/op': m.microsPerOp, 'vs in-house': m.opsPerSecond / base.opsPerSecond });
    }
    for (const name of others) {
      console.log(`info: ${group}: ${first} ×${(base.opsPerSecond / measured[name]!.opsPerSecond).toFixed(2)} the speed of ${name}`);
    }
  }
  printTable('libraries vs the in-house pieces (median ops/s)', rows);
}
