/**
 * Unique tokens (lease tokens, claim tokens) that stay unique forever: a
 * per-instance random nonce plus a counter, hashed with the caller's parts.
 * A clock alone repeats within a millisecond and across restarts.
 */
import type { Codecs } from './codec/codecs.ts';
import { toHex } from './codec/hex.ts';

export class TokenSource {
  readonly #codecs: Codecs;
  readonly #nonce: string;
  #counter = 0;

  constructor(codecs: Codecs) {
    this.#codecs = codecs;
    const random = new Uint8Array(16);
    globalThis.crypto.getRandomValues(random);
    this.#nonce = toHex(random);
  }

  /** 64 lowercase hex digits, unique for this source and distinct from every other source's. */
  next(...parts: ReadonlyArray<string | number>): string {
    this.#counter += 1;
    return this.#codecs.sha256Hex(`${parts.join(':')}:${this.#nonce}:${this.#counter}`);
  }
}
