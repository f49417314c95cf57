/**
 * Process leases: claim, renew, release, fenced by token (`leases.ts`).
 */
import { PluginError } from '../contract/errors.ts';
import type { U64 } from '../contract/json.ts';
import { readEpochMs } from '../validation.ts';
import { refuseMalformed } from './registration.ts';
import { unknownProcess } from './rows.ts';
import type {
  ProcessLease,
  ProcessLeaseCompletion,
} from '../contract/process.ts';
import type { ProcessContext } from './context.ts';
import { checkLease, checkProcessId, checkSequence } from './input.ts';

export class ProcessLeaseEngine {
  readonly #ctx: ProcessContext;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
  }

  async claimProcessLease(processId: string, ownerId: string, leaseTtlMs: U64): Promise<ProcessLease> {
    this.#ctx.ops.input('lease claim', () => {
      checkProcessId(processId);
      refuseMalformed(ownerId, 'lease owner id');
      checkSequence(leaseTtlMs, 'lease ttl ms');
    });
    return this.#ctx.ops.write(() => {
      // The terminal status is not checked: callers re-read the record after claiming.
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      return this.#ctx.leases.claim(processId, ownerId, leaseTtlMs, readEpochMs(this.#ctx.clock));
    });
  }

  async renewProcessLease(lease: ProcessLease, leaseTtlMs: U64): Promise<ProcessLease> {
    const clean = this.#ctx.ops.input('lease renewal', () => {
      checkSequence(leaseTtlMs, 'lease ttl ms');
      return checkLease(lease);
    });
    return this.#ctx.ops.write(() => this.#ctx.leases.renew(clean, leaseTtlMs, readEpochMs(this.#ctx.clock)));
  }

  async completeProcessLease(completion: ProcessLeaseCompletion): Promise<void> {
    this.#ctx.ops.input('lease completion', () => {
      if (typeof completion !== 'object' || completion === null) {
        throw PluginError.invalidInput('a lease completion must be an object');
      }
      checkProcessId(completion.process_id);
      refuseMalformed(completion.lease_token, 'lease token', true);
    });
    await this.#ctx.ops.write(() =>
      this.#ctx.leases.release({ process_id: completion.process_id, lease_token: completion.lease_token }),
    );
  }
}
