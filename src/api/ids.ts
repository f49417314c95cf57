/** Random ids for turns and claim owners: 128 bits from `crypto.getRandomValues` (available in Node, browsers and workers, secure context or not). */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}-${hex}`;
}
