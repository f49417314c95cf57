/**
 * A snapshot value's blob content (msgpack) and its ref (SHA-256 of that
 * content), computed once per turn and shared by the two places that need
 * them: the turn stamp, which hashes a snapshot by its ref instead of
 * serialising it again, and the commit, which stores the content under that
 * ref.
 *
 * The memo is keyed by the value's identity and lives only until the current
 * synchronous run ends (it is dropped in a microtask): a stamp and the commit
 * it is handed to in the same run share the work, while a value changed in
 * place and committed later is always encoded afresh. Within one run a value
 * is read once — change it before stamping, not between the stamp and the
 * commit.
 */
import type { Codecs } from '../codec/codecs.ts';
import { encodeMsgpack } from '../codec/msgpack.ts';

export interface SnapshotDigest {
  /** The msgpack bytes the blob stores (not a shared buffer). */
  readonly content: Uint8Array;
  /** Lowercase hex SHA-256 of `content`: the blob's ref. */
  readonly ref: string;
}

let memo: WeakMap<object, SnapshotDigest> | null = null;

/** The digest of a snapshot value (an object or bytes), memoised for the current synchronous run. */
export function snapshotDigest(codecs: Codecs, value: object): SnapshotDigest {
  const known = memo?.get(value);
  if (known !== undefined) return known;
  const content = encodeMsgpack(value);
  const digest: SnapshotDigest = { content, ref: codecs.sha256Hex(content) };
  if (memo === null) {
    memo = new WeakMap();
    queueMicrotask(() => {
      memo = null;
    });
  }
  memo.set(value, digest);
  return digest;
}

/**
 * How a stamp hashes a snapshot: its ref, tagged so it can never equal a
 * snapshot value (those are objects or bytes, never strings).
 */
export function snapshotHashToken(codecs: Codecs, value: object | null | undefined): string | null {
  return value === null || value === undefined ? null : `sha256:${snapshotDigest(codecs, value).ref}`;
}
