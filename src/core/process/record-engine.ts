/**
 * The registry's records: registration (idempotent by hash), the external ref, reads. One transaction per method, through the registry's operations.
 */
import { PluginError } from '../contract/errors.ts';
import { readEpochMs } from '../validation.ts';
import { decodeExternalRef, normaliseInput } from './decode.ts';
import { prepareProcessRegistration } from './registration.ts';
import type {
  ProcessExternalRef,
  ProcessRecord,
  ProcessRegistration,
} from '../contract/process.ts';
import type { ProcessContext } from './context.ts';
import { checkProcessId, isWellFormedId } from './input.ts';

export class ProcessRecordEngine {
  readonly #ctx: ProcessContext;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
  }

  async registerProcess(registration: ProcessRegistration): Promise<ProcessRecord> {
    const prepared = this.#ctx.ops.input('registration', () => prepareProcessRegistration(registration, this.#ctx.codecs));
    const { id } = prepared.registration;
    return this.#ctx.ops.write(() => {
      const existing = this.#ctx.rows.load(id);
      if (existing !== undefined) {
        if (existing.registration_hash === prepared.registration_hash) return existing;
        throw PluginError.session(
          `process \`${id}\` registration hash conflict: existing ${existing.registration_hash}, new ${prepared.registration_hash}`,
        );
      }
      const now = readEpochMs(this.#ctx.clock);
      const record: ProcessRecord = {
        ...prepared.registration,
        registration_hash: prepared.registration_hash,
        created_at_ms: now,
        updated_at_ms: now,
        status: { state: 'running' },
      };
      this.#ctx.rows.insert(record);
      return record;
    });
  }

  async setExternalRef(processId: string, externalRef: ProcessExternalRef): Promise<ProcessRecord> {
    const ref = this.#ctx.ops.input('external ref', () => {
      checkProcessId(processId);
      return normaliseInput('external ref', externalRef, decodeExternalRef);
    });
    return this.#ctx.ops.write(() => {
      const record: ProcessRecord = { ...this.#ctx.rows.require(processId), external_ref: ref, updated_at_ms: readEpochMs(this.#ctx.clock) };
      this.#ctx.rows.save(record);
      return record;
    });
  }

  async getProcess(processId: string): Promise<ProcessRecord | undefined> {
    this.#ctx.ops.ensureOpen();
    if (!isWellFormedId(processId)) return undefined;
    return this.#ctx.ops.attempt(() => {
      try {
        return this.#ctx.rows.load(processId);
      } catch (error) {
        // A corrupt row was logged by the decoder; the contract reads it as missing.
        if (error instanceof PluginError) return undefined;
        throw error;
      }
    });
  }

  async listNonTerminal(): Promise<ProcessRecord[]> {
    return this.#ctx.ops.attempt(() => this.#ctx.rows.listRunning());
  }
}
