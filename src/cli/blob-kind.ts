/** What kind of blob stored bytes are: the envelope's descriptor kind, `raw` (no envelope), or `not-a-blob`. */
import { parseEnvelope } from '../core/blobs/envelope.ts';

export function blobKind(stored: unknown): string {
  if (!(stored instanceof Uint8Array)) return 'not-a-blob';
  return parseEnvelope(stored)?.descriptor.kind ?? 'raw';
}
