/**
 * The `lash-store` command line itself: help on every command, usage errors
 * and their exit code, the version, the two ways it runs in the repo
 * (`node src/cli/main.ts`, the `npm run cli` path, and the tsup build
 * `dist/cli.js`), and the output rules (colour and progress only on a
 * terminal, `NO_COLOR`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { Output, Progress, renderBar, formatBytes } from '../../src/cli/output.ts';
import { REPO, richStore, runCli } from './support.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('lash-store command line', () => {
  it('has --help on every command, listing its options and the exit codes', async () => {
    assert.deepEqual(COMMANDS.map((c) => c.name), ['inspect', 'verify', 'gc', 'vacuum', 'export', 'import']);
    const runs = await Promise.all(COMMANDS.map((c) => runCli([c.name, '--help'])));
    runs.forEach((run, i) => {
      const command = COMMANDS[i]!;
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.startsWith(`usage: lash-store ${command.usage}\n`), run.stdout);
      for (const option of Object.keys(command.options)) assert.ok(run.stdout.includes(`--${option}`), `${command.name} --${option}`);
      assert.match(run.stdout, /--debug/);
      assert.match(run.stdout, /exit codes:\n  0 .*\n  1 .*\n  2 .*\n  3 .*\n  4 .*\n  70 /);
    });
    const general = await runCli(['--help']);
    assert.equal(general.code, 0);
    for (const c of COMMANDS) assert.match(general.stdout, new RegExp(`^  ${c.name} +${c.summary.slice(0, 20).replace(/[()]/g, '.')}`, 'm'));
    const helpTopic = await runCli(['help', 'gc']);
    assert.equal(helpTopic.code, 0);
    assert.match(helpTopic.stdout, /^usage: lash-store gc <db>/);
  });

  it('exits 2 with one line for usage errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^usage: lash-store <command>/m],
      [['frobnicate'], /^error: unknown command `frobnicate`; commands: inspect, verify, gc, vacuum, export, import\n$/],
      [['inspect'], /^error: missing argument\nusage: lash-store inspect <db\|dir>/],
      [['inspect', 'a.db', 'b.db'], /^error: unexpected argument `b.db`/],
      [['verify', 'x.db', '--colour'], /^error: Unknown option '--colour'/],
      [['gc', 'x.db', '--busy-timeout', 'soon'], /^error: --busy-timeout must be a non-negative integer \(got `soon`\)/],
      [['import', 'x.json'], /^error: import needs --out <db>\n$/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i]![0].join(' ')}: ${run.stderr}`);
      assert.match(run.stdout + run.stderr, cases[i]![1]);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  it('prints its version', async () => {
    // From the source: the version comes from the package.json above the running module.
    const run = await runCli(['--version'], { script: join(REPO, 'src/cli/main.ts') });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${VERSION}\n`);
  });

  it('runs from the TypeScript source (npm run cli) and from the tsup build', async (t) => {
    const { path, facts } = await richStore();
    const source = await runCli(['inspect', path, '--json'], { script: join(REPO, 'src/cli/main.ts') });
    assert.equal(source.code, 0, source.stderr);
    assert.equal(JSON.parse(source.stdout).session.head.head_revision, facts.headRevision);
    const built = join(REPO, 'dist/cli.js');
    if (!existsSync(built)) {
      t.skip('dist/cli.js is not built (npm run build); CI builds before testing');
      return;
    }
    assert.ok(readFileSync(built, 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin starts with a shebang');
    const run = await runCli(['verify', path], { script: built });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /healthy\n$/);
  });

  it('prints a stack trace only with --debug', async () => {
    const quiet = await runCli(['inspect', join(REPO, 'no-such.db')]);
    assert.equal(quiet.stderr, `error: no such file: ${join(REPO, 'no-such.db')}\n`);
    const loud = await runCli(['inspect', join(REPO, 'no-such.db'), '--debug']);
    assert.match(loud.stderr, /^error: no such file: .*\nCliError: no such file: .*\n\s+at /);
  });
});

describe('lash-store output', () => {
  const stream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 60, write: (text: string) => chunks.push(text) } };
  };

  it('colours only a terminal, and never with NO_COLOR or --no-color', () => {
    const tty = stream(true);
    assert.equal(new Output({ stdout: tty.stream, stderr: tty.stream, env: {} }).paint('red', 'x'), '\u001b[31mx\u001b[39m');
    assert.equal(new Output({ stdout: tty.stream, stderr: tty.stream, env: { NO_COLOR: '1' } }).paint('red', 'x'), 'x');
    assert.equal(new Output({ stdout: tty.stream, stderr: tty.stream, env: {}, noColor: true }).paint('red', 'x'), 'x');
    const pipe = stream(false);
    assert.equal(new Output({ stdout: pipe.stream, stderr: pipe.stream, env: {} }).paint('red', 'x'), 'x');
  });

  it('draws a progress bar on a terminal and nothing elsewhere', () => {
    const pipe = stream(false);
    const quiet = new Output({ stdout: pipe.stream, stderr: pipe.stream, env: {} }).progress('reading', 10);
    for (let i = 0; i < 10; i++) quiet.tick();
    quiet.finish();
    assert.deepEqual(pipe.chunks, []);

    const tty = stream(true);
    let now = 1_000;
    const bar = new Progress(tty.stream, 'reading', 4, () => now);
    bar.tick(); // first draw
    bar.tick(); // within 100 ms: not redrawn
    now += 150;
    bar.tick();
    bar.tick(); // the last step always draws
    bar.finish();
    assert.deepEqual(tty.chunks, [
      `\r${renderBar('reading', 1, 4, 60)}`,
      `\r${renderBar('reading', 3, 4, 60)}`,
      `\r${renderBar('reading', 4, 4, 60)}`,
      '\r\u001b[2K',
    ]);
    assert.equal(renderBar('reading', 2, 4, 60), 'reading [####################--------------------] 50% 2/4');
  });

  it('formats sizes in binary units', () => {
    assert.deepEqual([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(10 * 1024 * 1024), formatBytes(null)], ['0 B', '1023 B', '1.5 KiB', '10 MiB', '-']);
  });
});
