#!/usr/bin/env node
/**
 * The `lash-store` bin (spec decision 23). Needs Node ≥ 22.13 (node:sqlite).
 * See docs/cli.md.
 */
import { main } from './app.ts';

// `lash-store inspect db | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lash-store: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
