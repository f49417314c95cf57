/** Lowercase hexadecimal, the one text form of every hash in this package. */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** True for exactly 64 lowercase hex digits (a SHA-256 in our text form). */
export function isSha256Hex(value: string): boolean {
  return value.length === 64 && /^[0-9a-f]{64}$/.test(value);
}
