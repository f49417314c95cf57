/** The `session_meta` singleton: name, model, cwd and relation of the session. */
import { stringifyJsonRow } from '../codec/json-bytes.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { relationFromJson } from './codecs.ts';
import type { SessionMeta } from '../contract/session-records.ts';

const UPSERT_META =
  'INSERT OR REPLACE INTO session_meta (singleton, session_id, session_name, created_at, model, cwd, relation_json) VALUES (1, ?, ?, ?, ?, ?, ?)';
const SELECT_META =
  'SELECT session_id, session_name, created_at, model, cwd, relation_json FROM session_meta WHERE singleton = 1';

interface MetaRow {
  session_id: string;
  session_name: string;
  created_at: string;
  model: string;
  cwd: string | null;
  relation_json: string | null;
}

export function writeSessionMeta(conn: SqliteConnection, meta: SessionMeta): void {
  conn.run(UPSERT_META, [
    meta.session_id,
    meta.session_name,
    meta.created_at,
    meta.model,
    meta.cwd,
    stringifyJsonRow(meta.relation),
  ]);
}

/** The meta row, or `null`. An absent or unreadable relation reads as `root`, as in the reference. */
export function readSessionMeta(conn: SqliteConnection): SessionMeta | null {
  const row = conn.get<MetaRow>(SELECT_META);
  if (row === undefined) return null;
  return {
    session_id: row.session_id,
    session_name: row.session_name,
    created_at: row.created_at,
    model: row.model,
    cwd: row.cwd,
    relation: relationFromJson(row.relation_json),
  };
}
