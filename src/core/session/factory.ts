/**
 * Session store factories (`contract-session.md` §1.9, §2.9): one database
 * per session. The engine-specific factories live with their drivers; what
 * they share — the request shape, its checks and the metadata written on
 * first creation — lives here.
 */
import type { DurabilityTier } from '../driver/types.ts';
import { InvalidInputError } from '../contract/errors.ts';
import { decodeModelSpec, decodeRelation } from './codecs.ts';
import type { ModelSpec, SessionRelation } from '../contract/session-model.ts';
import type { RuntimePersistence, SessionPersistence } from '../contract/session.ts';
import type { SessionMeta } from '../contract/session-records.ts';
import { expectId, expectObject, expectString, messageOf } from '../shape.ts';

/** What a session store factory is asked to create a store for. */
export interface SessionStoreCreateRequest {
  /** The session. */
  session_id: string;
  /** Root or child of another session. */
  relation: SessionRelation;
  /** Only `model.id` is read by the factories. */
  policy: { model: ModelSpec; provider_id: string; [extra: string]: unknown };
}

/** Makes one store per session, and deletes a session's store. */
export interface SessionStoreFactory<S extends SessionPersistence = RuntimePersistence> {
  /** `'durable'` when the stores it makes are. */
  durabilityTier(): DurabilityTier;
  /** The store of a session, created when missing. */
  createStore(request: SessionStoreCreateRequest): Promise<S>;
  /** Idempotent. */
  deleteSession(sessionId: string): Promise<void>;
}

/**
 * Checks a session id for use as a store key and file name. Empty ids are
 * refused (spec decision 16); the reference mapped `""` to
 * `session-e3b0c44298fc1c14.db`.
 */
export function checkSessionId(sessionId: unknown): string {
  try {
    return expectId(sessionId, 'session id');
  } catch (error) {
    throw new InvalidInputError(messageOf(error));
  }
}

export function checkCreateRequest(request: SessionStoreCreateRequest): SessionStoreCreateRequest {
  try {
    const record = expectObject(request, 'request');
    const policy = expectObject(record.policy, 'request.policy');
    return {
      session_id: checkSessionId(record.session_id),
      relation: decodeRelation(record.relation, 'request.relation'),
      policy: { ...policy, provider_id: expectString(policy.provider_id ?? '', 'request.policy.provider_id'), model: decodeModelSpec(policy.model, 'request.policy.model') },
    };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(messageOf(error));
  }
}

/** The metadata a factory writes when it creates a session's store for the first time. */
export function initialSessionMeta(
  request: SessionStoreCreateRequest,
  createdAt: string,
  cwd: string | null,
): SessionMeta {
  return {
    session_id: request.session_id,
    session_name: request.session_id,
    created_at: createdAt,
    model: request.policy.model.id,
    cwd,
    relation: request.relation,
  };
}

/** `unix:{seconds}`, the reference factory's `created_at`. */
export function unixCreatedAt(epochMs: number): string {
  return `unix:${Math.floor(epochMs / 1000)}`;
}
