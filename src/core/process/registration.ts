/**
 * Registration preparation (pure, runs before any transaction): normalise the
 * caller's registration, add the missing core event types, validate it with
 * the reference's messages, and hash it.
 */
import { portableCodecs, type Codecs } from '../codec/codecs.ts';
import { stableJsonSha256Hex } from '../codec/canonical-json.ts';
import { PluginError } from '../contract/errors.ts';
import { identifierProblem } from '../validation.ts';
import { decodeRegistration, normaliseInput } from './decode.ts';
import { defaultProcessEventTypes, processScopeIsEmpty } from './model.ts';
import type { ProcessRegistration } from '../contract/process.ts';

/** A checked registration and its hash. */
export interface PreparedRegistration {
  /** The registration, validated and copied. */
  registration: ProcessRegistration;
  /** `H(registration)` after the core event types were added; depends on their order. */
  registration_hash: string;
}

/** Validates a registration and computes its hash, without writing. */
export function prepareProcessRegistration(input: ProcessRegistration, codecs: Codecs = portableCodecs): PreparedRegistration {
  const registration = normaliseInput('process registration', input, (value) => decodeRegistration(value), 'registration');
  ensureCoreEventTypes(registration);
  validateProcessRegistration(registration);
  return { registration, registration_hash: stableJsonSha256Hex(codecs, registration) };
}

/** Appends each core event type whose name is not declared yet; a caller's declaration wins. */
export function ensureCoreEventTypes(registration: ProcessRegistration): void {
  const names = new Set(registration.event_types.map((eventType) => eventType.name));
  for (const eventType of defaultProcessEventTypes()) {
    if (!names.has(eventType.name)) {
      names.add(eventType.name);
      registration.event_types.push(eventType);
    }
  }
}

export function validateProcessRegistration(registration: ProcessRegistration): void {
  const { id, provenance } = registration;
  if (id.trim() === '') throw PluginError.session('process id must be a non-empty string');
  refuseMalformed(id, 'process id');
  if (processScopeIsEmpty(provenance.owner_scope)) {
    throw PluginError.session(`process \`${id}\` owner scope must include a session id`);
  }
  refuseMalformed(provenance.owner_scope.session_id, 'owner scope session id');
  if (provenance.owner_scope.agent_frame_id !== undefined) {
    refuseMalformed(provenance.owner_scope.agent_frame_id, 'owner scope agent frame id', true);
  }
  if (provenance.host_profile_id.trim() === '') {
    throw PluginError.session(`process \`${id}\` host profile id must be non-empty`);
  }
  const names = new Set<string>();
  for (const eventType of registration.event_types) {
    if (eventType.name.trim() === '') throw PluginError.session(`process \`${id}\` declares an empty event type`);
    refuseMalformed(eventType.name, 'event type name');
    if (names.has(eventType.name)) {
      throw PluginError.session(`process \`${id}\` declares duplicate event type \`${eventType.name}\``);
    }
    names.add(eventType.name);
    const terminal = eventType.semantics.terminal;
    if (terminal && terminal.state !== 'completed' && terminal.await_output === undefined) {
      throw PluginError.session(`terminal event \`${eventType.name}\` for process \`${id}\` must declare await output`);
    }
  }
}

/** Identifiers must be well-formed Unicode without NUL (spec decision 16). */
export function refuseMalformed(value: string, what: string, allowEmpty = false): void {
  const problem = identifierProblem(value, what, { allowEmpty });
  if (problem !== null) throw PluginError.invalidInput(problem);
}
