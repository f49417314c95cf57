/**
 * Copies checkpoints from any LangGraph saver into another, through the
 * public `BaseCheckpointSaver` API only: the way off LangGraph's
 * `SqliteSaver` (or `MemorySaver`, Postgres, …) onto `LashCheckpointSaver`.
 */
import type { BaseCheckpointSaver, CheckpointMetadata, CheckpointTuple, PendingWrite } from '@langchain/langgraph-checkpoint';

/** Options of `copyCheckpoints`. */
export interface CopyCheckpointsOptions {
  /** Only these threads; every thread the source lists by default. */
  threadIds?: readonly string[];
}

/** What `copyCheckpoints` copied. */
export interface CopyReport {
  /** Threads copied. */
  threads: number;
  /** Checkpoints copied. */
  checkpoints: number;
  /** Pending writes copied. */
  writes: number;
}

/**
 * Puts every checkpoint of the source into `to`, oldest first within each
 * thread and namespace, with its parent, its metadata and *all* its
 * channels as new (so nothing depends on how the source stored versions),
 * then its pending writes, task by task. Checkpoint ids, thread ids and
 * history are kept. Task paths are not part of the public API and are not
 * copied (writes sort by task id instead).
 */
export async function copyCheckpoints(
  from: BaseCheckpointSaver,
  to: BaseCheckpointSaver,
  options: CopyCheckpointsOptions = {},
): Promise<CopyReport> {
  const tuples: CheckpointTuple[] = [];
  const scopes = options.threadIds === undefined ? [{}] : options.threadIds.map((thread_id) => ({ thread_id }));
  for (const configurable of scopes) for await (const tuple of from.list({ configurable })) tuples.push(tuple);
  tuples.sort((a, b) => compare(keyOf(a), keyOf(b)));
  const threads = new Set<string>();
  let writes = 0;
  for (const tuple of tuples) {
    const [threadId, ns, checkpointId] = keyOf(tuple);
    threads.add(threadId);
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    const config = { configurable: { thread_id: threadId, checkpoint_ns: ns, ...(parentId === undefined ? {} : { checkpoint_id: parentId }) } };
    const metadata = (tuple.metadata ?? { source: 'update', step: -1, parents: {} }) as CheckpointMetadata;
    const stored = await to.put(config, tuple.checkpoint, metadata, { ...tuple.checkpoint.channel_versions });
    const byTask = new Map<string, PendingWrite[]>();
    for (const [taskId, channel, value] of tuple.pendingWrites ?? []) {
      let list = byTask.get(taskId);
      if (list === undefined) byTask.set(taskId, (list = []));
      list.push([channel, value]);
    }
    for (const [taskId, list] of byTask) {
      await to.putWrites(stored, list, taskId);
      writes += list.length;
    }
    if (stored.configurable?.checkpoint_id !== checkpointId) throw new Error(`copy of checkpoint ${checkpointId} came back as another id`);
  }
  return { threads: threads.size, checkpoints: tuples.length, writes };
}

function keyOf(tuple: CheckpointTuple): [string, string, string] {
  const c = tuple.config.configurable ?? {};
  return [String(c.thread_id), String(c.checkpoint_ns ?? ''), String(c.checkpoint_id)];
}

function compare(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
