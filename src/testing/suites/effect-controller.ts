import { EffectScope } from '../../core/effects/scope.ts';
import { LocalExecutor } from '../../core/effects/local-executor.ts';
import { RuntimeEffectControllerError } from '../../core/contract/errors.ts';
import { SqliteRuntimeEffectController } from '../../core/stores/effect-host.ts';
import { createRuntimeEffectEnvelope, effectInvocation, runtimeScopeForTurn } from '../../core/effects/envelope.ts';
import { type RuntimeEffectEnvelope, type RuntimeEffectOutcome } from '../../core/contract/effects.ts';
import { ManualClock } from '../fixtures/clock.ts';
import {
  Barrier,
  Latch,
  execEnvelope,
  execOutcome,
  failingExecutor,
  marker,
  replayConformanceEnvelope,
  returningExecutor,
  within,
} from '../fixtures/effects.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function effectControllerSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  function sleepEnvelope(durationMs: number, key = 'sleep-key'): RuntimeEffectEnvelope {
    return createRuntimeEffectEnvelope(
      effectInvocation(runtimeScopeForTurn('session', 'turn', 1, 0), 'sleep', 'sleep', key),
      { type: 'sleep', duration_ms: durationMs },
    );
  }

  function hasCode(code: string): (error: unknown) => boolean {
    return (error) => {
      assert.ok(error instanceof RuntimeEffectControllerError, `expected a RuntimeEffectControllerError, got ${String(error)}`);
      assert.equal(error.code, code);
      return true;
    };
  }

  suite('effect controller conformance (EC-1..EC-5)', (driver) => {
    it('EC-1 replays concurrent effects by key, in any order, without local executors', async (t) => {
      const conn = await (await driver.fresh(t)).open();
      const controller = await SqliteRuntimeEffectController.open(
        conn,
        EffectScope.turn('effect-conformance-session', 'effect-conformance-turn'),
      );
      const slow = replayConformanceEnvelope('effect-slow');
      const fast = replayConformanceEnvelope('effect-fast');
      const completionOrder: string[] = [];
      const barrier = new Barrier(2);
      const notify = new Latch();
      const recording = (effectId: string) =>
        LocalExecutor.runner(async (envelope) => {
          const subject = envelope.invocation.subject;
          assert.equal(subject.type === 'effect' && subject.effect_id, effectId);
          await barrier.wait(); // deadlocks unless both executors run at once
          if (effectId === 'effect-slow') {
            await notify.wait();
            completionOrder.push('effect-slow');
          } else {
            completionOrder.push('effect-fast');
            notify.open();
          }
          return execOutcome(effectId);
        });
      const [slowOutcome, fastOutcome] = await within(
        2_000,
        Promise.all([
          controller.executeEffect(slow, recording('effect-slow')),
          controller.executeEffect(fast, recording('effect-fast')),
        ]),
        'first pass',
      );
      assert.equal(marker(slowOutcome), 'effect-slow');
      assert.equal(marker(fastOutcome), 'effect-fast');
      assert.deepEqual(completionOrder, ['effect-fast', 'effect-slow']);

      controller.startReplay();
      const calls: string[] = [];
      const [fastReplay, slowReplay] = await within(
        2_000,
        Promise.all([
          controller.executeEffect(fast, failingExecutor(calls, 'conformance_replay_local_executor_called')),
          controller.executeEffect(slow, failingExecutor(calls, 'conformance_replay_local_executor_called')),
        ]),
        'replay pass',
      );
      assert.equal(marker(fastReplay), 'effect-fast');
      assert.equal(marker(slowReplay), 'effect-slow');
      assert.deepEqual(calls, []);
    });

    it('EC-2 replays without a local executor', async (t) => {
      const controller = await SqliteRuntimeEffectController.open(await (await driver.fresh(t)).open(), EffectScope.turn('session', 'turn'));
      const envelope = execEnvelope('exec-replay', 'first');
      assert.equal(marker(await controller.executeEffect(envelope, returningExecutor('recorded'))), 'recorded');
      controller.startReplay();
      assert.equal(marker(await controller.executeEffect(envelope, failingExecutor())), 'recorded');
    });

    it('EC-3 rejects a replay key reused with another envelope', async (t) => {
      const controller = await SqliteRuntimeEffectController.open(await (await driver.fresh(t)).open(), EffectScope.turn('session', 'turn'));
      await controller.executeEffect(execEnvelope('same-key', 'first'), returningExecutor('first'));
      await assert.rejects(
        controller.executeEffect(execEnvelope('same-key', 'changed'), returningExecutor('changed')),
        (error: unknown) => {
          hasCode('sqlite_effect_replay_hash_conflict')(error);
          assert.equal(
            (error as RuntimeEffectControllerError).message,
            'sqlite_effect_replay_hash_conflict: runtime effect replay key `same-key` in scope `turn` was reused with a different envelope hash',
          );
          return true;
        },
      );
    });

    it('EC-4 reclaims a stale in-progress lease; the first owner loses it', async (t) => {
      const clock = new ManualClock();
      const controller = await SqliteRuntimeEffectController.open(
        await (await driver.fresh(t)).open(),
        EffectScope.turn('session', 'turn'),
        { leaseTtlMs: 20, clock: clock.clock },
      );
      const envelope = execEnvelope('stale-lease', 'work');
      const entered = new Latch();
      const release = new Latch();
      const first = controller.executeEffect(
        envelope,
        LocalExecutor.runner(async () => {
          entered.open();
          await release.wait();
          return execOutcome('stale-owner');
        }),
      );
      await entered.wait();
      clock.advance(40); // the 20 ms lease has expired
      assert.equal(marker(await controller.executeEffect(envelope, returningExecutor('reclaimed-owner'))), 'reclaimed-owner');
      release.open();
      await assert.rejects(first, (error: unknown) => {
        hasCode('sqlite_effect_replay_lease_lost')(error);
        assert.equal(
          (error as Error).message,
          'sqlite_effect_replay_lease_lost: runtime effect replay lease was lost before finalizing scope `turn` replay key `stale-lease`',
        );
        return true;
      });
      controller.startReplay();
      assert.equal(marker(await controller.executeEffect(envelope, failingExecutor())), 'reclaimed-owner');
    });

    it('EC-5 replays a sleep after its recorded due time (real time)', async (t) => {
      const controller = await SqliteRuntimeEffectController.open(await (await driver.fresh(t)).open(), EffectScope.turn('session', 'turn'));
      const envelope = sleepEnvelope(120);
      const started = performance.now();
      const outcome = await controller.executeEffect(envelope, LocalExecutor.unavailable());
      const elapsed = performance.now() - started;
      assert.deepEqual(outcome, { type: 'sleep' });
      assert.ok(elapsed >= 100, `slept ${elapsed} ms`);
      controller.startReplay();
      assert.deepEqual(await within(50, controller.executeEffect(envelope, failingExecutor()), 'sleep replay'), { type: 'sleep' });
    });
  });

  suite('effect controller replay rules', (driver) => {
    async function open(t: Parameters<typeof driver.fresh>[0], options: Parameters<typeof SqliteRuntimeEffectController.open>[2] = {}) {
      const location = await driver.fresh(t);
      const conn = await location.open();
      const controller = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('session', 'turn'), options);
      return { location, conn, controller };
    }

    it('records an error and replays it instead of running again', async (t) => {
      const { controller } = await open(t);
      const envelope = execEnvelope('fails', 'x');
      const boom = LocalExecutor.runner(async () => {
        throw new RuntimeEffectControllerError('boom', 'transient or not, it is recorded');
      });
      await assert.rejects(controller.executeEffect(envelope, boom), { code: 'boom', message: 'boom: transient or not, it is recorded' });
      const calls: string[] = [];
      await assert.rejects(controller.executeEffect(envelope, failingExecutor(calls)), { code: 'boom' });
      controller.startReplay();
      await assert.rejects(controller.executeEffect(envelope, failingExecutor(calls)), { code: 'boom' });
      assert.deepEqual(calls, []);
    });

    it('records what a runner throws, whatever it is, and a wrong or unencodable outcome as failures', async (t) => {
      const { controller } = await open(t);
      const cases: Array<[string, () => Promise<RuntimeEffectOutcome>, string]> = [
        ['plain-error', async () => { throw new TypeError('bug in the runner'); }, 'runtime_effect_local_executor_error'],
        ['wrong-kind', async () => ({ type: 'sleep' }), 'runtime_effect_wrong_outcome'],
        ['nan', async () => ({ ...execOutcome('x'), result: { Ok: Number.NaN } }) as RuntimeEffectOutcome, 'sqlite_effect_replay_encode'],
        ['no-object', async () => undefined as never, 'sqlite_effect_replay_encode'],
      ];
      for (const [key, run, code] of cases) {
        const envelope = execEnvelope(key, key);
        await assert.rejects(controller.executeEffect(envelope, LocalExecutor.runner(run)), hasCode(code), key);
        await assert.rejects(controller.executeEffect(envelope, failingExecutor()), hasCode(code), `${key} replayed`);
      }
      await assert.rejects(
        controller.executeEffect(execEnvelope('wrong-kind', 'wrong-kind'), failingExecutor()),
        { message: 'runtime_effect_wrong_outcome: expected exec_code outcome, got sleep' },
      );
    });

    it('turns a missing row into an error in replay mode, writing nothing', async (t) => {
      const { conn, controller } = await open(t);
      controller.startReplay();
      await assert.rejects(controller.executeEffect(execEnvelope('never-recorded', 'x'), returningExecutor('x')), (error: unknown) => {
        hasCode('sqlite_effect_replay_missing')(error);
        assert.equal(
          (error as Error).message,
          'sqlite_effect_replay_missing: no recorded runtime effect for scope `turn` and replay key `never-recorded`',
        );
        return true;
      });
      assert.deepEqual(conn.all('SELECT * FROM runtime_effect_replay'), []);
    });

    it('detects a changed envelope before looking at the status (in progress, failed)', async (t) => {
      const clock = new ManualClock();
      const { controller } = await open(t, { clock: clock.clock });
      const release = new Latch();
      const entered = new Latch();
      const running = controller.executeEffect(
        execEnvelope('busy-key', 'original'),
        LocalExecutor.runner(async () => {
          entered.open();
          await release.wait();
          return execOutcome('original');
        }),
      );
      await entered.wait();
      await assert.rejects(controller.executeEffect(execEnvelope('busy-key', 'changed'), returningExecutor('x')), hasCode('sqlite_effect_replay_hash_conflict'));
      release.open();
      await running;
      await assert.rejects(controller.executeEffect(execEnvelope('failed-key', 'a'), failingExecutor()), hasCode('test_local_executor_called'));
      await assert.rejects(controller.executeEffect(execEnvelope('failed-key', 'b'), failingExecutor()), hasCode('sqlite_effect_replay_hash_conflict'));
    });

    it('makes a concurrent duplicate wait for the first call and replay its outcome', async (t) => {
      const clock = new ManualClock();
      const { controller } = await open(t, { clock: clock.clock, pollIntervalMs: 5 });
      const envelope = execEnvelope('dup', 'x');
      const release = new Latch();
      const entered = new Latch();
      const first = controller.executeEffect(
        envelope,
        LocalExecutor.runner(async () => {
          entered.open();
          await release.wait();
          return execOutcome('first');
        }),
      );
      await entered.wait();
      const calls: string[] = [];
      let secondDone = false;
      const second = controller.executeEffect(envelope, failingExecutor(calls)).finally(() => (secondDone = true));
      await new Promise((resolve) => setTimeout(resolve, 30)); // several polls: the lease is live, so it waits
      assert.equal(secondDone, false);
      release.open();
      assert.equal(marker(await first), 'first');
      assert.equal(marker(await within(1_000, second, 'duplicate')), 'first');
      assert.deepEqual(calls, []);
    });

    it('reclaims an expired in-progress row even in replay mode', async (t) => {
      const clock = new ManualClock();
      const { controller } = await open(t, { clock: clock.clock, leaseTtlMs: 1_000 });
      const envelope = execEnvelope('orphan', 'x');
      const entered = new Latch();
      const abandoned = controller.executeEffect(
        envelope,
        LocalExecutor.runner(async () => {
          entered.open();
          return new Promise<never>(() => {}); // never finishes: its owner "crashed"
        }),
      );
      void abandoned;
      await entered.wait();
      controller.startReplay();
      clock.advance(1_000);
      assert.equal(marker(await controller.executeEffect(envelope, returningExecutor('recovered'))), 'recovered');
      assert.equal(marker(await controller.executeEffect(envelope, failingExecutor())), 'recovered');
    });

    it('lets a slow owner finalize after its lease expired when nobody reclaimed it', async (t) => {
      const clock = new ManualClock();
      const { controller } = await open(t, { clock: clock.clock, leaseTtlMs: 10 });
      const envelope = execEnvelope('slow-owner', 'x');
      const outcome = await controller.executeEffect(
        envelope,
        LocalExecutor.runner(async () => {
          clock.advance(500);
          return execOutcome('late');
        }),
      );
      assert.equal(marker(outcome), 'late');
      assert.equal(marker(await controller.executeEffect(envelope, failingExecutor())), 'late');
    });

    it('waits for a recorded sleep deadline on the injected clock and keeps it when a crashed sleep is reclaimed', async (t) => {
      const clock = new ManualClock();
      const { conn, controller } = await open(t, { clock: clock.clock, pollIntervalMs: 2, leaseTtlMs: 50 });
      const start = clock.now;
      let done = false;
      // Settles either way (the original owner will lose its lease below), so it is never an unhandled rejection.
      const sleeping = controller.executeEffect(sleepEnvelope(1_000), LocalExecutor.unavailable()).then(
        (outcome) => ((done = true), outcome),
        (error: unknown) => ((done = true), error),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(done, false, 'the clock has not reached the deadline');
      const row = conn.get<{ due_at_ms: number; status: string }>('SELECT due_at_ms, status FROM runtime_effect_replay')!;
      assert.deepEqual({ ...row }, { due_at_ms: start + 1_000, status: 'in_progress' });
      // A second controller reclaims the sleep after the lease: the deadline stays the original one.
      const other = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('session', 'turn'), { clock: clock.clock, pollIntervalMs: 2 });
      clock.advance(60);
      let otherDone = false;
      const reclaimed = other.executeEffect(sleepEnvelope(1_000), LocalExecutor.unavailable()).then(() => (otherDone = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(conn.get<{ due_at_ms: number }>('SELECT due_at_ms FROM runtime_effect_replay')!.due_at_ms, start + 1_000);
      assert.equal(otherDone, false);
      clock.advance(940);
      await within(1_000, reclaimed, 'reclaimed sleep');
      const lost = await within(1_000, sleeping, 'original sleep');
      assert.ok(lost instanceof RuntimeEffectControllerError);
      assert.equal(lost.code, 'sqlite_effect_replay_lease_lost', 'the original sleeper was reclaimed');
      controller.startReplay();
      assert.deepEqual(await within(100, controller.executeEffect(sleepEnvelope(1_000), failingExecutor()), 'replay'), { type: 'sleep' });
    });

    it('runs a sleep without the local executor and ignores its cancellation', async (t) => {
      const clock = new ManualClock();
      const { controller } = await open(t, { clock: clock.clock, pollIntervalMs: 1 });
      const abort = new AbortController();
      abort.abort();
      const pending = controller.executeEffect(sleepEnvelope(5), LocalExecutor.sleep(abort.signal));
      clock.advance(5);
      assert.deepEqual(await pending, { type: 'sleep' });
    });

    it('keys rows by the scope id only: turn("s","x"), process("x") and runtime_operation("x") share a namespace', async (t) => {
      const { conn } = await open(t);
      const turn = await SqliteRuntimeEffectController.open(conn, EffectScope.turn('s', 'x'));
      const process = await SqliteRuntimeEffectController.open(conn, EffectScope.process('x'));
      const other = await SqliteRuntimeEffectController.open(conn, EffectScope.process('y'));
      const envelope = execEnvelope('k', 'x');
      assert.equal(marker(await turn.executeEffect(envelope, returningExecutor('turn'))), 'turn');
      assert.equal(marker(await process.executeEffect(envelope, failingExecutor())), 'turn');
      assert.equal(marker(await other.executeEffect(envelope, returningExecutor('y'))), 'y');
      assert.deepEqual(
        conn.all<{ scope_id: string }>('SELECT scope_id FROM runtime_effect_replay ORDER BY scope_id').map((r) => r.scope_id),
        ['x', 'y'],
      );
    });

    it('gives every claim a fresh, never-repeated lease token and clears it on finalize', async (t) => {
      const clock = new ManualClock();
      const { conn, controller } = await open(t, { clock: clock.clock, leaseTtlMs: 5 });
      const tokens = new Set<string>();
      const entered: Latch[] = [new Latch(), new Latch(), new Latch()];
      const release = new Latch();
      const envelope = execEnvelope('tokens', 'x');
      const runs = entered.map((latch) =>
        controller.executeEffect(
          envelope,
          LocalExecutor.runner(async () => {
            latch.open();
            await release.wait();
            return execOutcome('x');
          }),
        ),
      );
      for (const latch of entered) {
        await latch.wait();
        tokens.add(conn.get<{ lease_token: string }>('SELECT lease_token FROM runtime_effect_replay')!.lease_token);
        clock.advance(5);
      }
      assert.equal(tokens.size, 3);
      for (const token of tokens) assert.match(token, /^[0-9a-f]{64}$/);
      release.open();
      const settled = await Promise.allSettled(runs);
      assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected', 'fulfilled']);
      const row = conn.get<Record<string, unknown>>('SELECT status, lease_owner_id, lease_token, lease_expires_at_ms FROM runtime_effect_replay')!;
      assert.deepEqual({ ...row }, { status: 'completed', lease_owner_id: null, lease_token: null, lease_expires_at_ms: 0 });
    });

    it('stops waiting on close with a typed error and leaves the connection open', async (t) => {
      const clock = new ManualClock();
      const { conn, controller } = await open(t, { clock: clock.clock });
      const sleeping = controller.executeEffect(sleepEnvelope(60_000), LocalExecutor.unavailable());
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.close();
      await assert.rejects(sleeping, hasCode('sqlite_effect_replay_closed'));
      await assert.rejects(controller.executeEffect(execEnvelope('after', 'x'), returningExecutor('x')), hasCode('sqlite_effect_replay_closed'));
      assert.equal(conn.closed, false);
      assert.equal(conn.get<{ status: string }>('SELECT status FROM runtime_effect_replay')!.status, 'in_progress');
    });
  });
}
