/** A connection wrapper that records every statement (and can act before one), for tests of transaction boundaries. */
import type { SqliteConnection, SqlParam } from '../../src/index.ts';

export interface SpyConnection extends SqliteConnection {
  /** Every statement run through the wrapper, in order. */
  readonly statements: string[];
  /** Called before each statement; return nothing. */
  before?: (sql: string) => void;
}

export function spyConnection(conn: SqliteConnection): SpyConnection {
  const spy: SpyConnection = {
    statements: [],
    info: conn.info,
    codecs: conn.codecs,
    busyTimeoutMs: conn.busyTimeoutMs,
    exec(sql: string) {
      spy.before?.(sql);
      spy.statements.push(sql);
      conn.exec(sql);
    },
    run(sql: string, params?: readonly SqlParam[]) {
      spy.before?.(sql);
      spy.statements.push(sql);
      return conn.run(sql, params);
    },
    get<T extends object>(sql: string, params?: readonly SqlParam[]) {
      spy.before?.(sql);
      spy.statements.push(sql);
      return conn.get<T>(sql, params);
    },
    all<T extends object>(sql: string, params?: readonly SqlParam[]) {
      spy.before?.(sql);
      spy.statements.push(sql);
      return conn.all<T>(sql, params);
    },
    get closed() {
      return conn.closed;
    },
    close: () => conn.close(),
  };
  // Forward the optional hooks, so a spied connection behaves as the one it wraps (a persistence
  // target, an engine that refuses BEGIN). A transaction through the engine's hook is recorded as
  // the statements that would have opened and ended it.
  if (conn.afterCommit) spy.afterCommit = () => conn.afterCommit!();
  if (conn.whenDurable) spy.whenDurable = () => conn.whenDurable!();
  if (conn.transaction) {
    spy.transaction = (kind, body) => {
      const opening = kind === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN';
      spy.before?.(opening);
      spy.statements.push(opening);
      const result = conn.transaction!(kind, body);
      // The SQL path ends a read transaction by ROLLBACK (it changed nothing).
      spy.statements.push(kind === 'write' ? 'COMMIT' : 'ROLLBACK');
      return result;
    };
  }
  return spy;
}
