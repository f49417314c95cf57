/**
 * The Worker: routes each session id to its own `SessionObject` and the
 * host-wide state (processes, effects, host events) to one `HostObject`.
 *
 *   GET  /sessions/:id                  the active path's messages and the head revision
 *   POST /sessions/:id/messages         {role?, text, expected_head_revision?} → {head_revision, node_id}
 *   POST /sessions/:id/queue            {text, source_key?} → the queued batch
 *   POST /sessions/:id/gc               → the GC report
 *   POST /processes                     a ProcessRegistration → the record
 *   GET  /processes/:id                 the record and its events
 *   POST /processes/:id/events          a ProcessEventAppendRequest → the append result
 *   POST /effects                       {session_id, turn_id, replay_key, call} → {outcome, replayed}
 *   POST /host-events/subscriptions     a TriggerSubscriptionDraft → the subscription
 *   POST /host-events                   a HostEventOccurrenceRequest → {occurrence, deliveries}
 *
 * Errors come back from the objects as their own classes (`lashRpcClient`),
 * so they map to HTTP statuses by kind: a stale `expected_head_revision` is a
 * 409 with the `HeadRevisionConflict` detail, bad input a 400.
 */
import {
  InvalidInputError,
  PluginError,
  RuntimeEffectControllerError,
  RuntimeError,
  SqliteError,
  StoreError,
  queuedTurnInputDraft,
  withSourceKey,
  type JsonValue,
  type SessionNodeRecord,
} from 'lash-sqlite-store';
import { lashRpcClient, type LashRpcClient } from 'lash-sqlite-store/durable-object';
import type { Env } from './env.ts';
import type { HostObject } from './host-object.ts';
import type { MessageRole, SessionObject } from './session-object.ts';

export { HostObject } from './host-object.ts';
export { SessionObject } from './session-object.ts';
export type { Env } from './env.ts';

/** The one host object of this deployment. */
const HOST_NAME = 'host';

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return await route(request, env);
    } catch (error) {
      return errorResponse(error);
    }
  },
};

/** A typed client for the session's own object. */
export function sessionClient(env: Env, sessionId: string): LashRpcClient<SessionObject> {
  return lashRpcClient<SessionObject>(env.SESSIONS.get(env.SESSIONS.idFromName(sessionId)));
}

/** A typed client for the host object. */
export function hostClient(env: Env): LashRpcClient<HostObject> {
  return lashRpcClient<HostObject>(env.HOST.get(env.HOST.idFromName(HOST_NAME)));
}

async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = request.method;
  const [collection, id, action] = parts;

  if (collection === 'sessions' && id !== undefined) {
    const session = sessionClient(env, id);
    if (method === 'GET' && action === undefined) {
      const read = await session.loadSession({ kind: 'ActivePath', leaf_node_id: null });
      if (read === null) return json({ session_id: id, head_revision: 0, messages: [] });
      return json({ session_id: id, head_revision: read.head_revision, messages: read.graph.nodes.map(messageOf) });
    }
    if (method === 'POST' && action === 'messages') {
      const body = await bodyOf<{ role?: MessageRole; text: string; expected_head_revision?: number | null }>(request);
      if (typeof body.text !== 'string') throw new InvalidInputError('text must be a string');
      return json(await session.appendMessage(id, body.role ?? 'User', body.text, body.expected_head_revision));
    }
    if (method === 'POST' && action === 'queue') {
      const body = await bodyOf<{ text: string; source_key?: string }>(request);
      if (typeof body.text !== 'string') throw new InvalidInputError('text must be a string');
      let draft = queuedTurnInputDraft(id, body.text, 'after_current_turn_commit', 'join');
      if (body.source_key !== undefined) draft = withSourceKey(draft, body.source_key);
      return json(await session.enqueueQueuedWork(draft));
    }
    if (method === 'POST' && action === 'gc') return json(await session.gcUnreachable());
  }

  if (collection === 'processes') {
    const host = hostClient(env);
    if (method === 'POST' && id === undefined) return json(await host.registerProcess(await bodyOf(request)));
    if (method === 'GET' && id !== undefined && action === undefined) {
      const record = await host.getProcess(id);
      if (record === null) return json({ error: { name: 'NotFound', message: `no process ${id}` } }, 404);
      return json({ record, events: await host.eventsAfter(id, 0) });
    }
    if (method === 'POST' && id !== undefined && action === 'events') return json(await host.appendEvent(id, await bodyOf(request)));
  }

  if (collection === 'effects' && method === 'POST' && id === undefined) {
    const body = await bodyOf<{ session_id: string; turn_id: string; replay_key: string; call: JsonValue }>(request);
    return json(await hostClient(env).runToolEffect(body.session_id, body.turn_id, body.replay_key, body.call));
  }

  if (collection === 'host-events' && method === 'POST') {
    const host = hostClient(env);
    if (id === 'subscriptions') return json(await host.registerSubscription(await bodyOf(request)));
    if (id === undefined) return json(await host.emitHostEvent(await bodyOf(request)));
  }

  return json({ error: { name: 'NotFound', message: `${method} ${url.pathname} is not a route` } }, 404);
}

function messageOf(node: SessionNodeRecord): { node_id: string; role?: string; text?: string } {
  const event = (node as { event?: { Conversation?: { role: string; parts: Array<{ content?: unknown }> } } }).event;
  const conversation = event?.Conversation;
  if (conversation === undefined) return { node_id: node.node_id };
  const text = conversation.parts.map((part) => (typeof part.content === 'string' ? part.content : '')).join('');
  return { node_id: node.node_id, role: conversation.role, text };
}

async function bodyOf<T>(request: Request): Promise<T> {
  try {
    return (await request.json()) as T;
  } catch {
    throw new InvalidInputError('the request body must be JSON');
  }
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}

/** HTTP status by error class and kind; the body names the class and carries its detail. */
export function errorResponse(error: unknown): Response {
  if (error instanceof StoreError) {
    const status =
      error.detail.kind === 'HeadRevisionConflict' ||
      error.detail.kind === 'RuntimeTurnCommitConflict' ||
      error.detail.kind === 'QueuedWorkClaimExpired'
        ? 409
        : (error.detail.kind as string) === 'InvalidInput' || error.detail.kind === 'SessionBindingMismatch'
          ? 400
          : 500;
    return json({ error: { name: error.name, message: error.message, kind: error.detail.kind, detail: error.detail } }, status);
  }
  if (error instanceof PluginError) return json({ error: { name: error.name, message: error.message, kind: error.kind } }, 400);
  if (error instanceof RuntimeEffectControllerError || error instanceof RuntimeError) {
    return json({ error: { name: error.name, message: error.message, code: error.code } }, 400);
  }
  if (error instanceof InvalidInputError) return json({ error: { name: error.name, message: error.message } }, 400);
  if (error instanceof SqliteError) return json({ error: { name: error.name, message: error.message, code: error.code } }, 500);
  const message = error instanceof Error ? error.message : String(error);
  return json({ error: { name: 'Error', message } }, 500);
}
