import { integerOption, type Command, type OptionSpec } from '../command.ts';
import { EXIT } from '../errors.ts';
import { runGc, runVacuum } from '../maintenance.ts';
import { formatBytes } from '../output.ts';

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

const WRITE_OPTIONS: Record<string, OptionSpec> = {
  'dry-run': { type: 'boolean', short: 'n', help: 'report what would go and the bytes to reclaim; change nothing' },
  json: { type: 'boolean', help: 'print the result as one JSON document' },
  'busy-timeout': {
    type: 'string',
    value: '<ms>',
    help: `how long to wait for another connection's write lock (default ${DEFAULT_BUSY_TIMEOUT_MS})`,
  },
};

const GC_OPTIONS: Record<string, OptionSpec> = {
  ...WRITE_OPTIONS,
  grace: {
    type: 'string',
    value: '<ms>',
    help: "keep blobs written on their own (putBlob) that no commit references yet for this long (default: the store's, one hour)",
  },
};

export const gcCommand: Command = {
  name: 'gc',
  summary: 'delete blobs no live root reaches (old checkpoints, raw blobs)',
  usage: 'gc <db> [options]',
  description: [
    "Runs the store's garbage collection: keeps the head's checkpoint manifest and the snapshots it",
    "names, the agent frames' execution states and the lashlang artifacts, and deletes every other",
    'blob. Aborts without deleting anything when a live root cannot be decoded. The freed pages are',
    'reused by later writes; run `lash-store vacuum` to return them to the filesystem.',
    'A blob a host wrote on its own (putBlob) is kept for a grace period (--grace) until a commit',
    'references it, so a collection between the write and its commit cannot lose it.',
    'With --dry-run the collection runs on a private copy and the file is only read.',
  ].join('\n'),
  options: GC_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out }) {
    const grace = values.grace === undefined ? undefined : integerOption(values, 'grace', 0);
    const result = await runGc(positionals[0]!, values['dry-run'] === true, integerOption(values, 'busy-timeout', DEFAULT_BUSY_TIMEOUT_MS), grace);
    if (values.json) {
      out.json(result);
      return EXIT.ok;
    }
    const verb = result.dry_run ? 'would delete' : 'deleted';
    out.line(`${result.path}: ${verb} ${result.report.deleted_blob_count} blob(s), ${formatBytes(result.deleted_bytes)}; kept ${result.report.retained_blob_count} reachable from ${result.report.root_count} root(s)`);
    for (const blob of result.deleted) out.line(`  ${blob.hash} ${blob.kind} ${formatBytes(blob.stored_bytes)}`);
    if (result.file_bytes_after_vacuum !== null) out.line(`  after a vacuum the file would measure ${formatBytes(result.file_bytes_after_vacuum)}`);
    for (const warning of result.warnings) out.warn(warning);
    return EXIT.ok;
  },
};

export const vacuumCommand: Command = {
  name: 'vacuum',
  summary: 'delete tombstoned graph nodes and compact the file',
  usage: 'vacuum <db> [options]',
  description: [
    "Deletes the graph nodes a host tombstoned (the store's vacuum), then runs SQLite's VACUUM and",
    'a WAL checkpoint so the file gives the freed pages back to the filesystem.',
    'With --dry-run both run on a private copy and the file is only read.',
  ].join('\n'),
  options: WRITE_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out }) {
    const result = await runVacuum(positionals[0]!, values['dry-run'] === true, integerOption(values, 'busy-timeout', DEFAULT_BUSY_TIMEOUT_MS));
    if (values.json) {
      out.json(result);
      return EXIT.ok;
    }
    const [removed, shrinks] = result.dry_run ? ['would remove', 'would shrink'] : ['removed', 'shrank'];
    out.line(`${result.path}: ${removed} ${result.removed_node_count} tombstoned node(s); the file ${shrinks} from ${formatBytes(result.file_bytes_before)} to ${formatBytes(result.file_bytes_after)} (${formatBytes(result.reclaimed_bytes)} reclaimed)`);
    return EXIT.ok;
  },
};
