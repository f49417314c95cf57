/**
 * Opening the session API on the test driver matrix: a `Sessions` over a
 * fresh database of the driver, and more `Sessions` over the same database
 * (other connections: what another process or tab would see).
 */
import type { TestContext } from 'node:test';
import { Sessions, type SessionConfig, type SessionsOptions, type Turn } from '../../src/index.ts';
import type { DriverUnderTest, Location } from '../support/drivers.ts';
import { ManualClock } from '../support/clock.ts';

export const CONFIG: SessionConfig = { provider: 'openai', model: { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } } };

export interface Opened {
  location: Location;
  sessions: Sessions;
  clock: ManualClock;
  /** Another `Sessions` on a new connection to the same database. */
  another(options?: SessionsOptions): Promise<Sessions>;
}

export async function openOn(driver: DriverUnderTest, t: TestContext, options: SessionsOptions = {}): Promise<Opened> {
  const location = await driver.fresh(t);
  const clock = new ManualClock(Date.UTC(2026, 5, 2, 12));
  const open = async (extra: SessionsOptions = {}) => {
    const sessions = await Sessions.open(await location.open(), { clock: clock.clock, ...options, ...extra });
    t.after(() => sessions.close());
    return sessions;
  };
  return { location, sessions: await open(), clock, another: open };
}

/** Two handles of one session, on two connections: two writers. */
export async function twoWriters(driver: DriverUnderTest, t: TestContext, config?: SessionConfig) {
  const { sessions, another } = await openOn(driver, t);
  const mine = await sessions.session('chat', config === undefined ? {} : { config });
  const theirs = await (await another()).session('chat');
  return { mine, theirs };
}

/** A user question and the assistant's answer. */
export function exchange(question: string, answer: string, extra: Partial<Turn> = {}): Turn {
  return { messages: [{ role: 'user', text: question }, { role: 'assistant', text: answer }], ...extra };
}
