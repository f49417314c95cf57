/**
 * The package as a consumer gets it: `npm pack` of a fresh build, installed
 * with `npm install <tarball>` into a new temporary project. For tests that
 * run code the way users run it (the README examples, consumer smoke tests).
 *
 * - The build is fresh: the repository's `dist/` when it is newer than every
 *   input of the build (CI builds right before it tests), else
 *   `npm run build -- --out-dir <staging>` (the repository's `dist/` is left
 *   alone, so nothing else that reads it sees a half-written build).
 * - The tarball is cached under `node_modules/.cache/lash-packed/<key>/`,
 *   keyed by the SHA-256 of every packed input (sources, docs, README,
 *   package.json, build config), so an unchanged tree packs once.
 * - Installs use npm's own cache (`--prefer-offline`): after the first run
 *   the dependencies come from disk.
 */
import { execFile, execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** What the build and the tarball are made from. */
const INPUT_FILES = ['package.json', 'tsup.config.ts', 'tsconfig.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];
const INPUT_DIRS = ['src', 'docs'];
const CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'lash-packed');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The `files` of package.json, without its `!` exclusions. */
function packageFiles(): string[] {
  const { files = [] } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { files?: string[] };
  return files.filter((entry) => !entry.startsWith('!'));
}

function inputs(): string[] {
  const files = INPUT_FILES.map((file) => join(REPO_ROOT, file)).filter((file) => existsSync(file));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const dir of INPUT_DIRS) if (existsSync(join(REPO_ROOT, dir))) walk(join(REPO_ROOT, dir));
  return files.sort();
}

function inputKey(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/** True when `dist/` was built after every input of the build (not the docs, README, CHANGELOG, LICENSE) last changed. */
function distIsFresh(files: readonly string[]): boolean {
  const marker = join(REPO_ROOT, 'dist', 'index.js');
  if (!existsSync(marker)) return false;
  const built = statSync(marker).mtimeMs;
  const packedAsIs = new Set(['README.md', 'CHANGELOG.md', 'LICENSE']);
  const buildInputs = files.filter((file) => !packedAsIs.has(relative(REPO_ROOT, file)) && !relative(REPO_ROOT, file).startsWith('docs'));
  return buildInputs.every((file) => statSync(file).mtimeMs < built);
}

function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

/**
 * The path of `lash-sqlite-store-<version>.tgz` for the current tree,
 * packed once per content key.
 */
export function packedTarball(): string {
  const files = inputs();
  const key = inputKey(files);
  const cacheDir = join(CACHE_ROOT, key);
  const existing = existsSync(cacheDir) ? readdirSync(cacheDir).find((file) => file.endsWith('.tgz')) : undefined;
  if (existing !== undefined) return join(cacheDir, existing);

  mkdirSync(CACHE_ROOT, { recursive: true });
  const staging = mkdtempSync(join(CACHE_ROOT, `${key}.staging-`));
  try {
    if (distIsFresh(files)) cpSync(join(REPO_ROOT, 'dist'), join(staging, 'dist'), { recursive: true });
    else run(npm, ['run', 'build', '--', '--out-dir', join(staging, 'dist')], REPO_ROOT);
    // What `files` lists besides the build (npm applies its `!` exclusions when packing), and LICENSE.
    for (const entry of [...packageFiles(), 'package.json', 'LICENSE']) {
      if (entry !== 'dist' && existsSync(join(REPO_ROOT, entry))) cpSync(join(REPO_ROOT, entry), join(staging, entry), { recursive: true });
    }
    // Scripts are not run: what is packed is exactly the build above.
    const out = join(staging, 'out');
    mkdirSync(out);
    run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], staging);
    const tarball = readdirSync(out).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball in ${out}`);
    // Publish the cache entry atomically (another test process may be packing too), and drop stale ones.
    try {
      renameSync(out, cacheDir);
    } catch {
      // Another process won the race; its tarball is identical.
    }
    for (const entry of readdirSync(CACHE_ROOT)) {
      if (entry !== key && !entry.includes('.staging-')) rmSync(join(CACHE_ROOT, entry), { recursive: true, force: true });
    }
    return join(cacheDir, tarball);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface ConsumerProject {
  /** The project folder (removed by `dispose`). */
  readonly dir: string;
  /** Runs `node <file> ...args` in `cwd` (default the project), with the test's Node. */
  node(file: string, options?: { cwd?: string; args?: readonly string[]; timeoutMs?: number }): SpawnSyncReturns<string>;
  dispose(): void;
}

export interface ConsumerOptions {
  /** Installed beside the package (`name@range`), e.g. `sql.js` (an optional peer) or `@types/node@22`. */
  extraDependencies?: readonly string[];
  /** Fields of the project's `package.json` (default `{ "type": "module" }`). */
  packageJson?: Record<string, unknown>;
}

function newProject(options: ConsumerOptions): { dir: string; args: string[] } {
  const tarball = packedTarball();
  const dir = mkdtempSync(join(tmpdir(), 'lash-consumer-'));
  const manifest = { name: 'lash-consumer', private: true, ...(options.packageJson ?? { type: 'module' }) };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = ['install', tarball, ...(options.extraDependencies ?? []), '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'];
  return { dir, args };
}

function project(dir: string): ConsumerProject {
  return {
    dir,
    node(file, { cwd = dir, args = [], timeoutMs = 60_000 } = {}) {
      return spawnSync(process.execPath, [file, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new project (`"type": "module"` unless `packageJson` says otherwise)
 * with the packed package installed, as `npm install lash-sqlite-store`
 * would (dependencies from the registry, or npm's cache).
 * `extraDependencies` are installed beside it.
 */
export function consumerProject(options: ConsumerOptions = {}): ConsumerProject {
  const { dir, args } = newProject(options);
  run(npm, args, dir);
  return project(dir);
}

const execFileAsync = promisify(execFile);

/** `consumerProject`, with npm running in the background: several projects install in parallel. */
export async function installConsumerProject(options: ConsumerOptions = {}): Promise<ConsumerProject> {
  const { dir, args } = newProject(options);
  try {
    await execFileAsync(npm, args, { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${npm} ${args.join(' ')} failed in ${dir}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
  return project(dir);
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** Runs a command in the background, resolving with its exit code and output (never rejects; SIGKILL after `timeoutMs`). */
export function execCommand(command: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const outcome: Outcome = { code: null, stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      outcome.stdout += chunk;
      outcome.output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      outcome.stderr += chunk;
      outcome.output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ...outcome, code });
    });
  });
}
