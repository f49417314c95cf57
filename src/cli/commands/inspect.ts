import { statSync } from 'node:fs';
import { EXIT } from '../errors.ts';
import { integerOption, type Command } from '../command.ts';
import { inspectDirectory, renderDirectory } from '../inspect/directory.ts';
import { renderInspect } from '../inspect/render.ts';
import { inspectDatabase } from '../inspect/report.ts';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show what a database (or every session database in a folder) holds',
  usage: 'inspect <db|dir> [options]',
  description: [
    'Reads the file read-only (it never changes a byte of it or of its -wal/-shm) and shows, per',
    'component: session meta and head, node counts, the active path and the branches off it, the',
    'checkpoint and its snapshot sizes, token usage, queued batches and claims, processes with',
    'grants and last events, effect rows by status, host-event subscriptions, blobs by kind, and',
    'the file and WAL sizes. Components the file does not hold are shown as absent.',
    'Given a folder, lists every session database in it.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', help: 'print one JSON document (stored field names) instead of text' },
    messages: { type: 'string', value: '<n>', help: 'how many of the last active-path messages to show (default 10)' },
    events: { type: 'string', value: '<n>', help: "how many of each process's last events to show (default 3)" },
  },
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out, now }) {
    const target = positionals[0]!;
    let isDir = false;
    try {
      isDir = statSync(target).isDirectory();
    } catch {
      // missing: openReadOnly says so
    }
    if (isDir) {
      const report = await inspectDirectory(target);
      if (values.json) out.json(report);
      else renderDirectory(report, out);
      return report.errors.length > 0 ? EXIT.problems : EXIT.ok;
    }
    const options = { messages: integerOption(values, 'messages', 10), events: integerOption(values, 'events', 3), now };
    const report = await inspectDatabase(target, options, out);
    if (values.json) out.json(report);
    else renderInspect(report, out);
    const unsupported = Object.values(report.components).filter((c) => c.state === 'unsupported');
    for (const c of unsupported) out.error(c.problem!);
    return unsupported.length > 0 ? EXIT.schema : EXIT.ok;
  },
};
