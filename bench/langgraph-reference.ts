/**
 * LangGraph's own SqliteSaver on issue 15's workload, for comparison in
 * `langgraph.bench.ts`: loaded in-process when its better-sqlite3 fits this
 * Node, or bundled and run as a child of another Node
 * (`node langgraph-reference.mjs <dir> <turns>` prints one JSON line).
 */
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { runBoth, type Opened } from './langgraph-workload.ts';

interface SqliteSaverModule {
  SqliteSaver: { fromConnString(path: string): BaseCheckpointSaver & { db: { close(): void } } };
}

/** Opens SqliteSavers; throws when the module or its native addon does not load here. */
export async function openSqliteSaver(): Promise<(path: string) => Opened> {
  const specifier = '@langchain/langgraph-checkpoint-sqlite';
  const module = (await import(specifier)) as SqliteSaverModule;
  // Load the native addon now, so a mismatch shows here and not mid-run.
  module.SqliteSaver.fromConnString(':memory:').db.close();
  return (path) => {
    const saver = module.SqliteSaver.fromConnString(path);
    return { saver, close: () => saver.db.close() };
  };
}

const [dir, turns] = process.argv.slice(2);
if (dir !== undefined && turns !== undefined && process.argv[1]?.endsWith('langgraph-reference.mjs')) {
  const results = await runBoth(dir, 'sqlite', await openSqliteSaver(), Number(turns));
  console.log(JSON.stringify(results));
}
