/**
 * Blobs written and read on their own (the session store's host API): raw
 * bytes, enveloped artifacts, and msgpack-typed values. Every blob written
 * here is pinned against GC for the grace period (`pins.ts`), because no
 * root references it until a commit does.
 */
import type { Codecs } from '../codec/codecs.ts';
import { decodeMsgpack, encodeMsgpack } from '../codec/msgpack.ts';
import type { ComponentOperations } from '../driver/operations.ts';
import type { SqliteConnection } from '../driver/types.ts';
import type { Clock, Logger } from '../logger.ts';
import { expectJson, expectString, messageOf } from '../shape.ts';
import { readEpochMs } from '../validation.ts';
import { insertArtifactBlob, insertRawBlob, readBlob, type BlobRef } from './blob-table.ts';
import { decodeDescriptor, type BlobArtifactDescriptor } from './descriptor.ts';
import { pinBlob } from './pins.ts';
import type { BuiltinBlobProfile } from './profile.ts';

/** What the blob engine works with (the session store's context extends it). */
export interface BlobEngineContext {
  /** The connection every blob read and write runs on. */
  readonly conn: SqliteConnection;
  /** SHA-256 and zlib (the node driver's fast ones, or the portable ones). */
  readonly codecs: Codecs;
  /** Where corrupt blobs and other recoverable problems are reported. */
  readonly logger: Logger;
  /** The store's clock (pins are stamped with it, read inside the write transaction). */
  readonly clock: Clock;
  /** The blob profile: which blobs are compressed, and how. */
  readonly profile: BuiltinBlobProfile;
  /** The operations every method runs through (closed and input checks, lock-wait retry, durability). */
  readonly ops: ComponentOperations;
}

export class BlobEngine {
  readonly #ctx: BlobEngineContext;

  constructor(ctx: BlobEngineContext) {
    this.#ctx = ctx;
  }

  /** Stores bytes without an envelope; the ref is their SHA-256. */
  async putBlob(content: Uint8Array): Promise<BlobRef> {
    const ctx = this.#ctx;
    ctx.ops.input('blob', () => checkBytes(content));
    return this.#pinned(() => insertRawBlob(ctx, content));
  }

  /** Stores bytes in an envelope, compressed when the descriptor and profile allow. */
  async putArtifactBlob(descriptor: BlobArtifactDescriptor, content: Uint8Array): Promise<BlobRef> {
    const ctx = this.#ctx;
    const checked = ctx.ops.input('blob', () => {
      checkBytes(content);
      return decodeDescriptor(descriptor, 'descriptor');
    });
    return this.#pinned(() => insertArtifactBlob(ctx, ctx.profile, checked, content));
  }

  /** The verified content, or `null` when missing — or corrupt, which is logged (spec decision 6). */
  async getBlob(ref: BlobRef): Promise<Uint8Array | null> {
    const ctx = this.#ctx;
    ctx.ops.input('blob ref', () => expectString(ref, 'ref'));
    return ctx.ops.read(() => readBlob(ctx, ref));
  }

  async putTypedBlob(value: unknown): Promise<BlobRef> {
    const ctx = this.#ctx;
    // msgpack keeps bytes as bytes; anything else that is not JSON would come back changed.
    const bytes = ctx.ops.input('value', () => encodeMsgpack(expectJson(value, 'value', { bytes: true, msgpack: true })));
    return this.#pinned(() => insertRawBlob(ctx, bytes));
  }

  async putTypedArtifactBlob(descriptor: BlobArtifactDescriptor, value: unknown): Promise<BlobRef> {
    const ctx = this.#ctx;
    const [checked, bytes] = ctx.ops.input('blob', () => [
      decodeDescriptor(descriptor, 'descriptor'),
      encodeMsgpack(expectJson(value, 'value', { bytes: true, msgpack: true })),
    ] as const);
    return this.#pinned(() => insertArtifactBlob(ctx, ctx.profile, checked, bytes));
  }

  /** The msgpack-decoded blob, or `null` when missing, corrupt or not msgpack (logged). */
  async getTypedBlob<T = unknown>(ref: BlobRef): Promise<T | null> {
    const bytes = await this.getBlob(ref);
    if (bytes === null) return null;
    try {
      return decodeMsgpack(bytes) as T;
    } catch (error) {
      this.#ctx.logger.warn('blob is not msgpack; reading it as missing', { ref, reason: messageOf(error) });
      return null;
    }
  }

  /** Writes a blob and pins it, in one transaction (the clock is read inside it). */
  #pinned(insert: () => BlobRef): Promise<BlobRef> {
    const ctx = this.#ctx;
    return ctx.ops.write(() => {
      const ref = insert();
      pinBlob(ctx.conn, ref, readEpochMs(ctx.clock));
      return ref;
    });
  }
}

function checkBytes(content: unknown): void {
  if (!(content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
}
