import type { Command } from '../command.ts';
import { EXIT } from '../errors.ts';
import { renderVerify, verifyDatabase } from '../verify/verify.ts';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a database: integrity, schema versions, refs and SHA-256s, every row decodable',
  usage: 'verify <db> [options]',
  description: [
    'Read-only health check: PRAGMA integrity_check and foreign_key_check; the schema version of',
    'each component; the head, its checkpoint manifest and snapshots, the frames\' execution states',
    'and the lashlang artifacts resolve to blobs that match their SHA-256 and decode; every blob',
    'matches its ref; every row of every component decodes with the store\'s own decoders; queued',
    'work belongs to the session the file holds; grants name registered processes.',
    'Exits 0 when healthy, 1 with a report naming each problem.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', help: 'print the report as one JSON document' },
  },
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out }) {
    const report = await verifyDatabase(positionals[0]!, out);
    if (values.json) out.json(report);
    else renderVerify(report, out);
    return report.healthy ? EXIT.ok : EXIT.problems;
  },
};
