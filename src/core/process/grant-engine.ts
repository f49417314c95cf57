/**
 * Handle grants: grant, revoke, transfer (one transaction for all of its pids), lists, per-session delete.
 */
import { PluginError } from '../contract/errors.ts';
import { decodeDescriptor, normaliseInput } from './decode.ts';
import { isTerminal } from './model.ts';
import { refuseMalformed } from './registration.ts';
import { unknownProcess } from './rows.ts';
import type {
  ProcessHandleDescriptor,
  ProcessHandleGrant,
  ProcessHandleGrantEntry,
  ProcessScope,
  ProcessSessionDeleteReport,
} from '../contract/process.ts';
import type { ProcessContext } from './context.ts';
import { checkProcessId, checkScope } from './input.ts';

export class HandleGrantEngine {
  readonly #ctx: ProcessContext;

  constructor(ctx: ProcessContext) {
    this.#ctx = ctx;
  }

  async grantHandle(
    owner: ProcessScope,
    processId: string,
    descriptor: ProcessHandleDescriptor,
  ): Promise<ProcessHandleGrant> {
    const [scope, clean] = this.#ctx.ops.input('grant', () => {
      const checked = checkScope(owner, 'owner scope');
      checkProcessId(processId);
      return [checked, normaliseInput('descriptor', descriptor, decodeDescriptor)] as const;
    });
    await this.#ctx.ops.write(() => {
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      this.#ctx.grants.upsert(scope, processId, clean);
    });
    return { session_id: scope.session_id, process_id: processId, descriptor: clean };
  }

  async revokeHandle(owner: ProcessScope, processId: string): Promise<void> {
    const scope = this.#ctx.ops.input('revocation', () => {
      const checked = checkScope(owner, 'owner scope');
      checkProcessId(processId);
      return checked;
    });
    await this.#ctx.ops.write(() => this.#ctx.grants.revoke(scope, processId));
  }

  async transferHandleGrants(from: ProcessScope, to: ProcessScope, processIds: readonly string[]): Promise<void> {
    const [fromScope, toScope] = this.#ctx.ops.input('transfer', () => {
      const scopes = [checkScope(from, 'source scope'), checkScope(to, 'target scope')] as const;
      if (!Array.isArray(processIds)) throw PluginError.invalidInput('process ids must be an array of strings');
      processIds.forEach(checkProcessId);
      return scopes;
    });
    // One transaction: a pid missing from the source undoes the pids moved before it.
    await this.#ctx.ops.write(() => {
      for (const processId of processIds) this.#ctx.grants.transfer(fromScope, toScope, processId);
    });
  }

  async listHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]> {
    const scope = this.#ctx.ops.input('owner scope', () => checkScope(owner, 'owner scope', true));
    return this.#ctx.ops.attempt(() => this.#ctx.grants.listForScope(scope, false));
  }

  async listLiveHandleGrants(owner: ProcessScope): Promise<ProcessHandleGrantEntry[]> {
    const scope = this.#ctx.ops.input('owner scope', () => checkScope(owner, 'owner scope', true));
    return this.#ctx.ops.attempt(() => this.#ctx.grants.listForScope(scope, true));
  }

  async hasHandleGrant(owner: ProcessScope, processId: string): Promise<boolean> {
    const scope = this.#ctx.ops.input('grant', () => {
      const checked = checkScope(owner, 'owner scope', true);
      checkProcessId(processId);
      return checked;
    });
    return this.#ctx.ops.attempt(() => this.#ctx.grants.has(scope, processId));
  }

  async handleGrantsForProcess(processId: string): Promise<ProcessHandleGrant[]> {
    this.#ctx.ops.input('process id', () => checkProcessId(processId));
    return this.#ctx.ops.read(() => {
      if (!this.#ctx.rows.exists(processId)) throw unknownProcess(processId);
      return this.#ctx.grants.forProcess(processId);
    });
  }

  async deleteSessionProcessState(sessionId: string): Promise<ProcessSessionDeleteReport> {
    this.#ctx.ops.input('session id', () => refuseMalformed(sessionId, 'session id', true));
    return this.#ctx.ops.write(() => {
      const removed = this.#ctx.grants.forSession(sessionId);
      const revoked = this.#ctx.grants.deleteSession(sessionId);
      const cancel = new Set<string>();
      const preserved = new Set<string>();
      for (const [processId, record] of removed) {
        if (isTerminal(record)) continue;
        (this.#ctx.grants.countForProcess(processId) === 0 ? cancel : preserved).add(processId);
      }
      return {
        session_id: sessionId,
        revoked_handle_count: revoked,
        deleted_wake_count: 0,
        cancel_process_ids: [...cancel].sort(),
        preserved_process_ids: [...preserved].sort(),
      };
    });
  }
}
