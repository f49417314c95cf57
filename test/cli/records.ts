/** Session records for the CLI tests (kept apart from `support.ts` so child processes import only this). */
import type { SessionNodeRecord } from '../../src/index.ts';

/** A conversation node with one text part. */
export function message(id: string, role: 'User' | 'Assistant', text: string, parent?: string): SessionNodeRecord {
  const node: SessionNodeRecord = {
    node_id: id,
    timestamp: '2026-06-02T00:00:00Z',
    kind: 'event',
    event: { Conversation: { id, role, parts: [{ id: `${id}.p0`, kind: 'Text', content: text, prune_state: 'Intact' }] } },
  };
  if (parent !== undefined) node.parent_node_id = parent;
  return node;
}
