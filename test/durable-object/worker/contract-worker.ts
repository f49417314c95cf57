/**
 * The Worker the contract tests run in: `ContractObject` holds the bundled
 * test files (registered through the `node:test` stand-in) and runs one case
 * per object, so every case starts on an empty database. The Worker fans a
 * list of cases out to their objects and collects the results.
 *
 *   POST /list                      → the contract case names
 *   POST /run {label, names}        → CaseResult per name, each in object `${label}:${name}`
 *   POST /digest {label, names}     → a digest of every table of each case's object
 *   POST /kv                        → what opening a KV-backed object's storage throws
 */
import { DurableObject } from 'cloudflare:workers';
import { beginCase, maxParamsOfCase } from './drivers.ts';
import { contractCases, runCase, type CaseResult } from './node-test.ts';
import { databaseDigest } from './digest.ts';
import { notApplicable } from './not-applicable.ts';
import { openDurableObjectSqlite, toRpcError, type RpcErrorEnvelope } from '../../../src/durable-object.ts';
// The test files, in order; the bundler generates this module.
import 'lash:contract-suite';

// Cases that count Node's live timers have nothing to count in workerd.
const nodeProcess = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process;
if (nodeProcess !== undefined && nodeProcess.getActiveResourcesInfo === undefined) {
  nodeProcess.getActiveResourcesInfo = () => notApplicable("process.getActiveResourcesInfo (Node's list of live timers)");
}

interface Env {
  CONTRACT: DurableObjectNamespace<ContractObject>;
  KV: DurableObjectNamespace<KvObject>;
}

export interface ObjectResult extends CaseResult {
  /** The object's tables after the case (see digest.ts). */
  digest: string;
  /** The most parameters one statement of the case bound. */
  maxParams: number;
}

export class ContractObject extends DurableObject<Env> {
  async run(name: string): Promise<ObjectResult> {
    beginCase(this.ctx.storage);
    const result = await runCase(name);
    return { ...result, digest: databaseDigest(this.ctx.storage), maxParams: maxParamsOfCase() };
  }

  digest(): string {
    return databaseDigest(this.ctx.storage);
  }
}

/** A KV-backed object: `storage.sql` exists, but refuses every statement. */
export class KvObject extends DurableObject<Env> {
  open(): RpcErrorEnvelope | null {
    try {
      openDurableObjectSqlite(this.ctx.storage);
      return null;
    } catch (error) {
      return toRpcError(error);
    }
  }
}

const CONCURRENCY = 1;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/list') return Response.json(contractCases());
    if (path === '/kv') return Response.json(await env.KV.get(env.KV.idFromName('kv')).open());
    const { label, names } = (await request.json()) as { label: string; names: string[] };
    const stub = (name: string) => env.CONTRACT.get(env.CONTRACT.idFromName(`${label}:${name}`));
    if (path === '/run') return Response.json(await pool(names, (name) => stub(name).run(name)));
    if (path === '/digest') return Response.json(await pool(names, async (name) => stub(name).digest()));
    return new Response('not found', { status: 404 });
  },
};

/** Maps with at most CONCURRENCY calls in flight (cases that wait on timers overlap). */
async function pool<T, R>(items: readonly T[], call: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await call(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}
