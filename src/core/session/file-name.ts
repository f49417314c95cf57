/**
 * Deterministic, filesystem-safe database file names for session ids.
 *
 * Every Unicode code point outside `[A-Za-z0-9_-]` becomes one `_`, leading
 * and trailing `_` are trimmed, an empty result becomes `session`, the result
 * is cut to 80 characters, and the first 16 hex digits of the SHA-256 of the
 * original id keep distinct ids distinct: `chat/alpha` →
 * `chat_alpha-d8d20168f855065d.db`.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';

const SAFE = /^[A-Za-z0-9_-]$/;

/** The file name of a session's database: the id when it is safe as a file name, else a readable prefix plus a hash (the reference's rule and test vectors). */
export function safeSessionDbFileName(sessionId: string, codecs: Codecs = portableCodecs): string {
  let safe = '';
  for (const ch of sessionId) safe += SAFE.test(ch) ? ch : '_';
  safe = safe.replace(/^_+|_+$/g, '');
  if (safe === '') safe = 'session';
  safe = safe.slice(0, 80);
  const hash = codecs.sha256Hex(sessionId).slice(0, 16);
  return `${safe}-${hash}.db`;
}
