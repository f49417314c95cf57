/**
 * Process leases: PR-18 … PR-22 with their exact values, expiry driven by a
 * `ManualClock`, plus fencing-token growth, token uniqueness and the TTL clamp.
 */
import { PluginError } from '../../core/contract/errors.ts';
import { type ProcessLease } from '../../core/contract/process.ts';
import { ManualClock } from '../fixtures/clock.ts';
import { dump, freshRegistry, openOn, registration, rejection } from '../fixtures/process.ts';
import type { ConformanceAssert, Kit } from '../harness.ts';

export function processLeasesSuite(kit: Kit): void {
  const { it, suite } = kit;
  const assert: ConformanceAssert = kit.assert;

  suite('process leases', (driver) => {
    it('PR-18 an active lease fences a competing owner; the owner may re-claim', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const pid = 'proc-lease-active';
      await registry.registerProcess(registration(pid));
      const first = await registry.claimProcessLease(pid, 'owner-a', 60_000);
      const fenced = await rejection(registry.claimProcessLease(pid, 'owner-b', 60_000));
      assert.ok(fenced instanceof PluginError);
      assert.match(fenced.message, /already leased/);
      assert.equal(
        fenced.message,
        `plugin session error: process \`${pid}\` is already leased by \`owner-a\` until ${first.expires_at_epoch_ms}`,
      );
      const again = await registry.claimProcessLease(pid, 'owner-a', 60_000);
      assert.ok(again.fencing_token > first.fencing_token);
      assert.notEqual(again.lease_token, first.lease_token);
      // The re-claim superseded the owner's old token.
      assert.match((await rejection(registry.renewProcessLease(first, 60_000))).message, /missing or expired/);
    });

    it('PR-19 a superseded lease cannot renew', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const pid = 'proc-lease-superseded';
      await registry.registerProcess(registration(pid));
      const old = await registry.claimProcessLease(pid, 'owner-a', 0);
      assert.equal(old.expires_at_epoch_ms, old.claimed_at_epoch_ms, 'a TTL of 0 is dead on arrival');
      await registry.claimProcessLease(pid, 'owner-b', 60_000);
      const error = await rejection(registry.renewProcessLease(old, 60_000));
      assert.equal(error.message, `plugin session error: process lease for \`${pid}\` is missing or expired`);
    });

    it('PR-20 a renewed lease survives its original expiry (manual clock)', async (t) => {
      const clock = new ManualClock();
      const { registry } = await freshRegistry(t, driver, { clock: clock.clock });
      const pid = 'proc-lease-renew';
      await registry.registerProcess(registration(pid));
      const lease = await registry.claimProcessLease(pid, 'owner-a', 20);
      assert.equal(lease.expires_at_epoch_ms, clock.now + 20);
      const renewed = await registry.renewProcessLease(lease, 60_000);
      assert.equal(renewed.expires_at_epoch_ms, clock.now + 60_000);
      assert.equal(renewed.claimed_at_epoch_ms, lease.claimed_at_epoch_ms);
      clock.advance(30);
      const again = await registry.renewProcessLease(renewed, 60_000);
      assert.equal(again.expires_at_epoch_ms, clock.now + 60_000);
    });

    it('an unrenewed lease expires at exactly its deadline (manual clock)', async (t) => {
      const clock = new ManualClock();
      const { registry } = await freshRegistry(t, driver, { clock: clock.clock });
      const pid = 'proc-lease-expiry';
      await registry.registerProcess(registration(pid));
      const lease = await registry.claimProcessLease(pid, 'owner-a', 20);
      clock.advance(19);
      assert.match((await rejection(registry.claimProcessLease(pid, 'owner-b', 10))).message, /already leased/);
      clock.advance(1); // expires_at == now: expired (strict)
      assert.match((await rejection(registry.renewProcessLease(lease, 10))).message, /missing or expired/);
      const taken = await registry.claimProcessLease(pid, 'owner-b', 10);
      assert.equal(taken.fencing_token, lease.fencing_token + 1);
    });

    it('PR-21 completing releases, and a re-claim bumps the fencing token', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      const pid = 'proc-lease-complete';
      await registry.registerProcess(registration(pid));
      const first = await registry.claimProcessLease(pid, 'owner-a', 60_000);
      await registry.completeProcessLease({ process_id: pid, lease_token: first.lease_token });
      const second = await registry.claimProcessLease(pid, 'owner-b', 60_000);
      assert.ok(second.fencing_token > first.fencing_token);
      // Completing an already-released lease is a no-op too.
      await registry.completeProcessLease({ process_id: pid, lease_token: first.lease_token });
    });

    it('PR-22 a stale completion cannot release the live lease', async (t) => {
      const { registry, conn } = await freshRegistry(t, driver);
      const pid = 'proc-lease-stale-complete';
      await registry.registerProcess(registration(pid));
      const old = await registry.claimProcessLease(pid, 'owner-a', 0);
      const current = await registry.claimProcessLease(pid, 'owner-b', 60_000);
      const before = dump(conn);
      await registry.completeProcessLease({ process_id: pid, lease_token: old.lease_token });
      assert.deepEqual(dump(conn), before);
      assert.match((await rejection(registry.claimProcessLease(pid, 'owner-c', 60_000))).message, /already leased/);
      await registry.renewProcessLease(current, 60_000);
    });

    it('keeps fencing tokens growing across release and expiry', async (t) => {
      const clock = new ManualClock();
      const { registry } = await freshRegistry(t, driver, { clock: clock.clock });
      await registry.registerProcess(registration('proc-fence'));
      const tokens: number[] = [];
      let lease: ProcessLease = await registry.claimProcessLease('proc-fence', 'a', 10);
      tokens.push(lease.fencing_token);
      await registry.completeProcessLease(lease);
      lease = await registry.claimProcessLease('proc-fence', 'b', 10);
      tokens.push(lease.fencing_token);
      clock.advance(10);
      lease = await registry.claimProcessLease('proc-fence', 'c', 10);
      tokens.push(lease.fencing_token);
      assert.deepEqual(tokens, [1, 2, 3]);
    });

    it('issues lease tokens that never repeat, even at the same millisecond and across handles', async (t) => {
      const clock = new ManualClock();
      const a = await freshRegistry(t, driver, { clock: clock.clock });
      await a.registry.registerProcess(registration('proc-tokens'));
      const b = await openOn(t, a.location, { clock: clock.clock });
      const seen = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const viaA = await a.registry.claimProcessLease('proc-tokens', 'owner', 0);
        await a.registry.completeProcessLease(viaA);
        const viaB = await b.registry.claimProcessLease('proc-tokens', 'owner', 0);
        await b.registry.completeProcessLease(viaB);
        seen.add(viaA.lease_token).add(viaB.lease_token);
        assert.match(viaA.lease_token, /^[0-9a-f]{64}$/);
      }
      assert.equal(seen.size, 10);
    });

    it('clamps now + ttl at MAX_SAFE_INTEGER', async (t) => {
      const { registry } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-clamp'));
      const lease = await registry.claimProcessLease('proc-clamp', 'owner', Number.MAX_SAFE_INTEGER);
      assert.equal(lease.expires_at_epoch_ms, Number.MAX_SAFE_INTEGER);
      const renewed = await registry.renewProcessLease(lease, Number.MAX_SAFE_INTEGER);
      assert.equal(renewed.expires_at_epoch_ms, Number.MAX_SAFE_INTEGER);
      assert.match((await rejection(registry.claimProcessLease('proc-clamp', 'other', 1))).message, /already leased/);
    });

    it('refuses leases on unknown processes and bad arguments, changing nothing', async (t) => {
      const { registry, conn } = await freshRegistry(t, driver);
      await registry.registerProcess(registration('proc-bad-lease'));
      const before = dump(conn);
      assert.equal(
        (await rejection(registry.claimProcessLease('nope', 'owner', 10))).message,
        'plugin session error: unknown process `nope`',
      );
      assert.match((await rejection(registry.claimProcessLease('proc-bad-lease', '', 10))).message, /lease owner id must not be empty/);
      assert.match((await rejection(registry.claimProcessLease('proc-bad-lease', 'o', -1))).message, /lease ttl ms must be a non-negative safe integer/);
      assert.match((await rejection(registry.claimProcessLease('proc-bad-lease', 'o', 1.5))).message, /non-negative safe integer/);
      assert.match((await rejection(registry.claimProcessLease('proc-bad-lease', 'o\0x', 1))).message, /NUL/);
      assert.deepEqual(dump(conn), before);
    });
  });
}
