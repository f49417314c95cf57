import type { HostObject } from './host-object.ts';
import type { SessionObject } from './session-object.ts';

/** The bindings declared in wrangler.jsonc. */
export interface Env {
  SESSIONS: DurableObjectNamespace<SessionObject>;
  HOST: DurableObjectNamespace<HostObject>;
}
