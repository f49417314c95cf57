/**
 * A small stand-in for `node:test` inside the Durable Object: test files
 * register their cases as they do under Node (`describe`, `it`, hooks,
 * `t.after`), and the object runs one case by its full name. Only what the
 * contract tests use is implemented.
 */
import { notApplicableIn } from './not-applicable.ts';

type Fn = (t: TestContext) => unknown;
interface Options {
  skip?: boolean | string;
  todo?: boolean | string;
  timeout?: number;
}

interface Suite {
  readonly name: string;
  readonly parent: Suite | null;
  readonly skip: boolean | string | undefined;
  readonly before: Fn[];
  readonly after: Fn[];
  readonly beforeEach: Fn[];
  readonly afterEach: Fn[];
  /** Set on the suites `describeEachDriver` makes: their cases are the contract cases. */
  driverSuite: boolean;
}

export interface RegisteredCase {
  readonly name: string;
  readonly file: string;
  readonly suite: Suite;
  readonly fn: Fn;
  readonly options: Options;
}

export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or the failure with its stack. */
  detail?: string;
  ms: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const cases = new Map<string, RegisteredCase>();
let currentSuite: Suite | null = null;
let currentFile = '';

/** Called at the top of every bundled test file (the bundler inserts it). */
export function enterFile(file: string): void {
  currentFile = file;
  currentSuite = null;
}

/** Marks the innermost suite being defined as a driver suite (`describeEachDriver` calls it). */
export function markDriverSuite(): void {
  if (currentSuite !== null) currentSuite.driverSuite = true;
}

function parse(args: unknown[]): { name: string; options: Options; fn: Fn | undefined } {
  const name = typeof args[0] === 'string' ? args[0] : '<anonymous>';
  const rest = typeof args[0] === 'string' ? args.slice(1) : args;
  const fn = rest.find((a): a is Fn => typeof a === 'function');
  const options = (rest.find((a) => typeof a === 'object' && a !== null) ?? {}) as Options;
  return { name, options, fn };
}

export function describe(...args: unknown[]): void {
  const { name, options, fn } = parse(args);
  const suite: Suite = {
    name,
    parent: currentSuite,
    skip: options.skip,
    before: [],
    after: [],
    beforeEach: [],
    afterEach: [],
    driverSuite: false,
  };
  currentSuite = suite;
  try {
    const result = fn?.(undefined as never);
    if (result instanceof Promise) throw new Error(`describe('${name}') must register its cases synchronously`);
  } finally {
    currentSuite = suite.parent;
  }
}
describe.skip = (...args: unknown[]) => describe(...withSkip(args));
export const suite = describe;

export function it(...args: unknown[]): void {
  const { name, options, fn } = parse(args);
  if (currentSuite === null) return; // top-level cases never touch a driver
  const full = `${currentFile} :: ${suitePath(currentSuite)} > ${name}`;
  if (cases.has(full)) throw new Error(`two cases named ${full}`);
  cases.set(full, { name: full, file: currentFile, suite: currentSuite, fn: fn ?? (() => undefined), options });
}
it.skip = (...args: unknown[]) => it(...withSkip(args));
it.todo = (...args: unknown[]) => it(...withSkip(args));
export const test = it;

function withSkip(args: unknown[]): unknown[] {
  const { name, options, fn } = parse(args);
  return [name, { ...options, skip: true }, fn];
}

function hook(kind: 'before' | 'after' | 'beforeEach' | 'afterEach') {
  return (fn: Fn) => {
    if (currentSuite === null) throw new Error(`top-level ${kind}() is not supported inside the Durable Object`);
    currentSuite[kind].push(fn);
  };
}
export const before = hook('before');
export const after = hook('after');
export const beforeEach = hook('beforeEach');
export const afterEach = hook('afterEach');

function suitePath(suite: Suite): string {
  const names: string[] = [];
  for (let s: Suite | null = suite; s !== null; s = s.parent) names.unshift(s.name);
  return names.join(' > ');
}

function chain(suite: Suite): Suite[] {
  const out: Suite[] = [];
  for (let s: Suite | null = suite; s !== null; s = s.parent) out.unshift(s);
  return out;
}

/** The contract cases: those inside a `describeEachDriver` suite. */
export function contractCases(): string[] {
  return [...cases.values()].filter((c) => chain(c.suite).some((s) => s.driverSuite)).map((c) => c.name);
}

class Skip extends Error {}

export class TestContext {
  readonly name: string;
  readonly fullName: string;
  readonly #controller = new AbortController();
  readonly afterFns: Fn[] = [];
  constructor(fullName: string, name: string) {
    this.fullName = fullName;
    this.name = name;
  }
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  after(fn: Fn): void {
    this.afterFns.push(fn);
  }
  skip(message = 'skipped'): void {
    throw new Skip(message);
  }
  todo(message = 'todo'): void {
    throw new Skip(message);
  }
  diagnostic(_message: string): void {}
  abort(): void {
    this.#controller.abort();
  }
}

/** Runs one registered case with its suites' hooks; never throws. */
export async function runCase(name: string): Promise<CaseResult> {
  const started = Date.now();
  const found = cases.get(name);
  if (found === undefined) return { name, status: 'failed', detail: 'no such case', ms: 0 };
  const suites = chain(found.suite);
  const skipped = suites.find((s) => s.skip)?.skip ?? found.options.skip ?? found.options.todo;
  if (skipped) return { name, status: 'skipped', detail: typeof skipped === 'string' ? skipped : 'skipped', ms: 0 };
  const t = new TestContext(name, name.slice(name.lastIndexOf(' > ') + 3));
  let failure: unknown;
  try {
    for (const s of suites) for (const fn of [...s.before, ...s.beforeEach]) await fn(t);
    await withTimeout(Promise.resolve(found.fn(t)), found.options.timeout ?? DEFAULT_TIMEOUT_MS);
  } catch (error) {
    failure = error;
  }
  t.abort();
  // `t.after` hooks run last-registered first, as node:test does.
  for (const fn of [...t.afterFns].reverse()) failure = await settle(fn, t, failure);
  for (const s of [...suites].reverse()) for (const fn of [...s.afterEach, ...s.after]) failure = await settle(fn, t, failure);
  const ms = Date.now() - started;
  if (failure === undefined) return { name, status: 'passed', ms };
  if (failure instanceof Skip) return { name, status: 'skipped', detail: failure.message, ms };
  const notApplicable = notApplicableIn(failure);
  if (notApplicable !== undefined) return { name, status: 'skipped', detail: notApplicable.message, ms };
  return { name, status: 'failed', detail: describeFailure(failure), ms };
}

async function settle(fn: Fn, t: TestContext, failure: unknown): Promise<unknown> {
  try {
    await fn(t);
    return failure;
  } catch (error) {
    return failure ?? error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.stack ?? `${error.name}: ${error.message}`];
  const assertion = error as { actual?: unknown; expected?: unknown; operator?: unknown };
  if (assertion.operator !== undefined) {
    parts.push(`actual: ${safeJson(assertion.actual)}`, `expected: ${safeJson(assertion.expected)}`);
  }
  if (error.cause !== undefined) parts.push(`cause: ${describeFailure(error.cause)}`);
  return parts.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}

export default { describe, it, test, suite, before, after, beforeEach, afterEach };
