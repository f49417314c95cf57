/**
 * lash-sqlite-store/durable-object: the driver for a SQLite-backed Cloudflare
 * Durable Object (`ctx.storage`), and the error envelope for Durable Object
 * RPC. No `node:` imports: it runs without the `nodejs_compat` flag.
 *
 * @module
 */
export {
  DURABLE_OBJECT_MAX_PARAMETERS,
  DURABLE_OBJECT_MAX_VALUE_BYTES,
  openDurableObjectSqlite,
} from './drivers/durable-object/connection.ts';
export type { DurableObjectSqliteConnection, DurableObjectSqliteOptions } from './drivers/durable-object/connection.ts';
export { builtinCodecs } from './drivers/durable-object/codecs.ts';
export type {
  DurableObjectSqlCursor,
  DurableObjectSqlStorage,
  DurableObjectSqlValue,
  DurableObjectStorageLike,
} from './drivers/durable-object/storage.ts';
export {
  fromRpcError,
  isRpcErrorEnvelope,
  lashRpcClient,
  registerRpcErrorClass,
  rpcOutcome,
  toRpcError,
  unwrapRpcOutcome,
} from './drivers/durable-object/rpc.ts';
export type { LashRpcClient, RpcErrorEnvelope, RpcOutcome } from './drivers/durable-object/rpc.ts';
