import type { Command } from '../command.ts';
import { EXIT, usageError } from '../errors.ts';
import { exportImage, exportSessionJson, importFile, writeTextFile } from '../transfer.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a single-file image of a database, or a session as JSON',
  usage: 'export <db> (--out <file.db> | --json [--out <file.json>]) [options]',
  description: [
    '--out <file.db>: a consistent single-file image (VACUUM INTO: one snapshot, WAL folded in,',
    'rollback-journal mode) that opens in node:sqlite and in sql.js (`openSqlJs({ data })`).',
    '--json: the session as one JSON document (meta, head, graph, hydrated checkpoint, usage rows,',
    'agent-frame blobs, lashlang artifacts; bytes as {"$base64": "..."}), on stdout or into --out;',
    'its format: https://github.com/lash-sqlite-store/lash-sqlite-store/blob/main/docs/cli.md.',
    'The source is opened read-only. The folder of --out must exist; an existing --out is replaced',
    'only with --force.',
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o', value: '<file>', help: 'where to write (required for an image)' },
    json: { type: 'boolean', help: 'export the session as JSON instead of a database image' },
    force: { type: 'boolean', short: 'f', help: 'replace --out if it exists' },
  },
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out }) {
    const source = positionals[0]!;
    const target = typeof values.out === 'string' ? values.out : undefined;
    const force = values.force === true;
    if (values.json === true) {
      const text = await exportSessionJson(source);
      if (target === undefined) out.text(text);
      else writeTextFile(target, text, force);
      return EXIT.ok;
    }
    if (target === undefined) throw usageError('export needs --out <file.db> (or --json)');
    exportImage(source, target, force);
    out.line(`${source} → ${target}`);
    return EXIT.ok;
  },
};

export const importCommand: Command = {
  name: 'import',
  summary: 'create a database from an exported image or session JSON (verified before it is written)',
  usage: 'import <file> --out <db> [options]',
  description: [
    'Reads either form `export` writes: a database image is copied (VACUUM INTO); a session JSON',
    "document is rebuilt through the Store's host API (meta, blobs, checkpoint, artifacts, usage,",
    'then the head and graph in one transaction). The result is verified and moved into place only',
    'when it is healthy. An existing --out is replaced only with --force.',
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o', value: '<db>', help: 'the database to create' },
    force: { type: 'boolean', short: 'f', help: 'replace --out if it exists' },
    json: { type: 'boolean', help: 'print the result (with its verify report) as one JSON document' },
  },
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, out }) {
    const target = typeof values.out === 'string' ? values.out : undefined;
    if (target === undefined) throw usageError('import needs --out <db>');
    const result = await importFile(positionals[0]!, target, values.force === true, out);
    if (values.json) out.json(result);
    else {
      for (const warning of result.warnings) out.warn(warning);
      out.line(`${result.source} (${result.form}) → ${result.target}: verified clean`);
    }
    return EXIT.ok;
  },
};
