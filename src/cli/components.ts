/**
 * Which lash components a database file holds, and at which schema version.
 * Several components may share one file (spec §3, "Several components may
 * share one connection"); each keeps its own row in `lash_schema_versions`.
 * A component with neither a version row nor any of its tables is absent —
 * reported as such, never as an error.
 */
import { SchemaVersionError } from '../core/contract/errors.ts';
import type { SqliteConnection } from '../core/driver/types.ts';
import { EFFECT_SCHEMA } from '../core/effects/schema.ts';
import { HOST_EVENT_SCHEMA } from '../core/host-events/schema.ts';
import type { Logger } from '../core/logger.ts';
import { PROCESS_SCHEMA } from '../core/process/schema.ts';
import { SESSION_SCHEMA } from '../core/schema/session.ts';
import type { ComponentSchema } from '../core/schema/versions.ts';
import { schemaVersionRows, tableNames } from './read/store-tables.ts';

export type ComponentKey = 'session' | 'process' | 'host_events' | 'effects';

export const COMPONENT_SCHEMAS: Readonly<Record<ComponentKey, ComponentSchema>> = Object.freeze({
  session: SESSION_SCHEMA,
  process: PROCESS_SCHEMA,
  host_events: HOST_EVENT_SCHEMA,
  effects: EFFECT_SCHEMA,
});

export const COMPONENT_KEYS = Object.keys(COMPONENT_SCHEMAS) as ComponentKey[];

export interface ComponentStatus {
  readonly component: string;
  readonly state: 'present' | 'absent' | 'unsupported';
  /** The stored version (`0` for tables without a version row), `null` when absent. */
  readonly version: number | null;
  readonly supported_version: number;
  /** Tables of a present component that are missing from the file. */
  readonly missing_tables: string[];
  /** The refusal text of an unsupported component (spec decision 12). */
  readonly problem: string | null;
}

export type ComponentStatuses = Record<ComponentKey, ComponentStatus>;

export function componentStatuses(conn: SqliteConnection): ComponentStatuses {
  const tables = tableNames(conn);
  const versions = new Map<unknown, unknown>(schemaVersionRows(conn).map((row) => [row.component, row.version]));
  const out = {} as ComponentStatuses;
  for (const key of COMPONENT_KEYS) {
    const schema = COMPONENT_SCHEMAS[key];
    const stored = versions.get(schema.component);
    const present = schema.tables.filter((table) => tables.has(table));
    let state: ComponentStatus['state'];
    let version: number | null;
    if (stored === undefined) {
      state = present.length === 0 ? 'absent' : 'unsupported';
      version = present.length === 0 ? null : 0;
    } else {
      version = typeof stored === 'number' ? stored : Number.NaN;
      state = version === schema.version ? 'present' : 'unsupported';
    }
    out[key] = {
      component: schema.component,
      state,
      version,
      supported_version: schema.version,
      missing_tables: state === 'present' ? schema.tables.filter((table) => !tables.has(table)) : [],
      problem:
        state === 'unsupported'
          ? new SchemaVersionError(schema.component, schema.label, version ?? 0, schema.version).message
          : null,
    };
  }
  return out;
}

/** Component rows of the version table that this build does not know. */
export function unknownComponents(conn: SqliteConnection): string[] {
  const known = new Set(COMPONENT_KEYS.map((key) => COMPONENT_SCHEMAS[key].component));
  return schemaVersionRows(conn)
    .map((row) => String(row.component))
    .filter((name) => !known.has(name));
}

/** A logger that keeps what the components report (corrupt rows skipped on a read, …) for the report. */
export class CollectingLogger implements Logger {
  readonly messages: string[] = [];
  warn(message: string, details?: Record<string, unknown>): void {
    this.messages.push(details === undefined ? message : `${message} ${JSON.stringify(details)}`);
  }
}
