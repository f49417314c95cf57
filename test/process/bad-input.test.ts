/**
 * Bad input gets the specified error and changes nothing: registration
 * validation, the append algorithm's refusals in their order, grants,
 * streams and malformed identifiers.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  anySchema,
  PluginError,
  processScope,
  type ProcessRegistration,
  type SqliteConnection,
  type SqliteProcessRegistry,
} from '../../src/index.ts';
import { cancelRequested } from '../../src/core/process/append.ts';
import { describeEachDriver } from '../support/drivers.ts';
import { dump, freshRegistry, plainEventType, registration, rejection, tableCounts, wakeEventType } from './support.ts';

/** Asserts `call` rejects with a PluginError whose Display text is exactly / matches `expected`, leaving the tables unchanged. */
async function refused(conn: SqliteConnection, call: () => Promise<unknown>, expected: string | RegExp): Promise<void> {
  const before = dump(conn);
  const error = await rejection(call());
  assert.ok(error instanceof PluginError, `expected a PluginError, got ${error}`);
  if (typeof expected === 'string') assert.equal(error.message, `plugin session error: ${expected}`);
  else assert.match(error.message, expected);
  assert.deepEqual(dump(conn), before);
}

function withOwner(reg: ProcessRegistration, sessionId: string, hostProfileId = 'default'): ProcessRegistration {
  return { ...reg, provenance: { owner_scope: processScope(sessionId), host_profile_id: hostProfileId } };
}

describeEachDriver('process registry bad input', (driver) => {
  it('refuses invalid registrations with the reference messages', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver);
    const cases: Array<[unknown, string | RegExp]> = [
      [registration(''), 'process id must be a non-empty string'],
      [registration('  '), 'process id must be a non-empty string'],
      [withOwner(registration('p'), ''), 'process `p` owner scope must include a session id'],
      [withOwner(registration('p'), 's', ' '), 'process `p` host profile id must be non-empty'],
      [registration('p', [plainEventType(' ')]), 'process `p` declares an empty event type'],
      [registration('p', [plainEventType('x'), plainEventType('x')]), 'process `p` declares duplicate event type `x`'],
      [
        registration('p', [{ name: 'boom', payload_schema: anySchema(), semantics: { terminal: { state: 'failed' } } }]),
        'terminal event `boom` for process `p` must declare await output',
      ],
      [registration('p\0q'), 'process id must not contain NUL characters'],
      [registration('p\ud800'), /lone surrogate/],
      [null, /invalid process registration: registration must be an object \(got null\)/],
      [{ ...registration('p'), input: { type: 'teleport' } }, /invalid process registration: registration\.input\.type must be "tool_call", .* \(got "teleport"\)/],
      [
        registration('p', [{ name: 'w', payload_schema: anySchema(), semantics: { wake: { input: { pointer: 1 } as never, dedupe_key: 'event_identity' } } }]),
        /registration\.event_types\[4\]\.semantics\.wake\.input\.pointer must be a string/,
      ],
      [{ ...registration('p'), input: { type: 'external', metadata: Number.NaN } }, /registration\.input\.metadata holds the non-finite number NaN/],
      [{ ...registration('p'), input: { type: 'external', metadata: new Date() } }, /must be plain JSON/],
    ];
    for (const [input, expected] of cases) {
      await refused(conn, () => registry.registerProcess(input as ProcessRegistration), expected);
    }
    assert.deepEqual(Object.values(tableCounts(conn)), [0, 0, 0, 0, 0]);
  });

  it('keeps a caller declaration of a core event type and hashes the normalised registration', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    const custom = { name: 'process.completed', payload_schema: { schema: { type: 'object' } }, semantics: {} };
    const record = await registry.registerProcess({ ...registration('p'), event_types: [custom] });
    assert.deepEqual(
      record.event_types.map((type) => type.name),
      ['process.completed', 'process.cancel_requested', 'process.failed', 'process.cancelled'],
    );
    assert.deepEqual(record.event_types[0], custom);
    // Key order and unknown fields do not change the hash.
    const shuffled = JSON.parse(JSON.stringify({ provenance: record.provenance, input: record.input, id: 'p', event_types: [custom], extra: 1 }));
    assert.equal((await registry.registerProcess(shuffled)).registration_hash, record.registration_hash);
  });

  it('refuses bad appends in the reference order, writing nothing', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver);
    await registry.registerProcess(
      registration('p', [
        plainEventType('plain'),
        wakeEventType('wake'),
        {
          name: 'typed',
          payload_schema: { schema: { type: 'object', properties: { n: { type: 'integer', maximum: 20 } }, required: ['n'] } },
          semantics: { wake: { input: { pointer: '/missing' }, dedupe_key: 'event_identity' } },
        },
      ]),
    );
    await registry.appendEvent('p', { event_type: 'plain', payload: 1, replay: { key: 'k1' } });
    const cases: Array<[Parameters<SqliteProcessRegistry['appendEvent']>, string | RegExp]> = [
      [['nope', { event_type: 'plain', payload: 1 }], 'unknown process `nope`'],
      [['', { event_type: 'plain', payload: 1 }], 'unknown process ``'],
      [['p', { event_type: 'undeclared', payload: 1 }], 'process `p` emitted undeclared event type `undeclared`'],
      // The replay check comes first: a reused key conflicts even for an undeclared type.
      [['p', { event_type: 'undeclared', payload: 1, replay: { key: 'k1' } }], 'process `p` event replay key `k1` conflicts with an existing event'],
      [['p', { event_type: 'plain', payload: 2, replay: { key: 'k1' } }], 'process `p` event replay key `k1` conflicts with an existing event'],
      [['p', { event_type: 'typed', payload: { n: 100 } }], 'invalid `typed` payload: n: expected integer <= 20, got 100'],
      [['p', { event_type: 'typed', payload: { n: 1, extra: true } }], 'invalid `typed` payload: extra: unexpected property'],
      [['p', { event_type: 'typed', payload: { n: 1 } }], 'payload pointer `/missing` did not match'],
      [['p', { event_type: 'process.completed', payload: { await_output: { type: 'success', value: 1 } } }], 'process `p` event `process.completed` requires a deterministic replay key'],
      [['p', { event_type: 'process.cancel_requested', payload: {}, replay: { key: '' } }], 'process `p` event `process.cancel_requested` requires a deterministic replay key'],
      [['p', { event_type: 'wake', payload: { wake_input: 'x' } }], 'process `p` emitted wake event `wake` without a wake target scope'],
      [['p', { event_type: 'plain', payload: Number.POSITIVE_INFINITY }], /invalid process event append request: payload holds the non-finite number Infinity/],
      [['p', { event_type: 'plain', payload: undefined as never }], /payload is missing/],
      [['p', { event_type: 'wake', payload: { wake_input: 'x' }, wake_target_scope: processScope('') }], 'process scope must include a session id'],
      [['p\0', { event_type: 'plain', payload: 1 }], 'process id must not contain NUL characters'],
    ];
    for (const [args, expected] of cases) await refused(conn, () => registry.appendEvent(...args), expected);
  });

  it('allows non-terminal events after the terminal one but refuses a second terminal', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p', [plainEventType('process.signal')]));
    const success = { type: 'success' as const, value: { ok: true } };
    const done = await registry.completeProcess('p', success);
    assert.deepEqual(done.status, { state: 'completed', await_output: success });
    // The same completion again is a replay (even though the process is terminal now).
    assert.deepEqual((await registry.completeProcess('p', success)).status, done.status);
    await refused(conn, () => registry.completeProcess('p', { type: 'success', value: { ok: false } }), /event replay key `process:p:terminal:process.completed` conflicts/);
    await refused(conn, () => registry.completeProcess('p', { type: 'failure', class: 'internal', code: 'x', message: 'y' }), 'process `p` is already terminal');
    await refused(conn, () => registry.completeProcess('p', { type: 'cancelled', message: 1 } as never), /invalid await output: await_output\.message must be a string \(got 1\)/);
    const cancel = await registry.appendEvent('p', cancelRequested('p', null));
    assert.deepEqual(cancel.event.payload, { reason: null });
    await registry.appendEvent('p', { event_type: 'process.signal', payload: 'late' });
    assert.deepEqual((await registry.eventsAfter('p', 0)).map((event) => event.sequence), [1, 2, 3]);
    assert.equal((await registry.getProcess('p'))!.status.state, 'completed');
  });

  it('refuses bad grant, stream and ack arguments, changing nothing', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p'));
    const s1 = processScope('s1');
    await registry.grantHandle(s1, 'p', { label: 'x' });
    await refused(conn, () => registry.grantHandle(s1, 'nope', {}), 'unknown process `nope`');
    await refused(conn, () => registry.grantHandle(processScope(''), 'p', {}), 'process owner scope must include a session id');
    await refused(conn, () => registry.grantHandle(s1, 'p', { kind: 7 } as never), /invalid descriptor: descriptor\.kind must be a string \(got 7\)/);
    await refused(conn, () => registry.handleGrantsForProcess('nope'), 'unknown process `nope`');
    await refused(conn, () => registry.eventsAfter('nope', 0), 'unknown process `nope`');
    await refused(conn, () => registry.wakeEventsAfter('nope', 0), 'unknown process `nope`');
    await refused(conn, () => registry.eventsAfter('p', -1), /after sequence must be a non-negative safe integer/);
    await refused(conn, () => registry.ackWake('nope', 1), 'unknown process `nope`');
    await refused(conn, () => registry.ackWake('p', 2 ** 53), /sequence must be a non-negative safe integer/);
    await refused(conn, () => registry.setExternalRef('p', { backend: 'b' } as never), /invalid external ref: external_ref\.id must be a string \(got nothing\)/);
    await refused(conn, () => registry.renewProcessLease({ process_id: 'p' } as never, 10), /lease token must be a string/);
    assert.equal(await registry.getProcess(''), undefined);
    assert.equal(await registry.getProcess('x\0'), undefined);
    // revoking what is not there is not an error
    await registry.revokeHandle(processScope('s9'), 'nope');
  });

  it('rolls back a whole transfer when one pid is not granted to the source', async (t) => {
    const { registry, conn } = await freshRegistry(t, driver);
    const [from, to] = [processScope('from'), processScope('to')];
    for (const id of ['a', 'b', 'c']) await registry.registerProcess(registration(id));
    await registry.grantHandle(from, 'a', { label: 'a' });
    await registry.grantHandle(from, 'c', { label: 'c' });
    await refused(conn, () => registry.transferHandleGrants(from, to, ['a', 'b', 'c']), 'process handle `b` is not granted to session `from`');
    assert.deepEqual((await registry.listHandleGrants(from)).map(([grant]) => grant.process_id), ['a', 'c']);
    assert.deepEqual(await registry.listHandleGrants(to), []);
  });

  it('handles frame scopes: grants are per scope, deletion is per session', async (t) => {
    const { registry } = await freshRegistry(t, driver);
    await registry.registerProcess(registration('p'));
    const frameA = { session_id: 's', agent_frame_id: 'a' };
    const frameB = { session_id: 's', agent_frame_id: 'b' };
    await registry.grantHandle(frameA, 'p', { label: 'a' });
    await registry.grantHandle(frameB, 'p', { label: 'b' });
    await registry.grantHandle(frameB, 'p', { label: 'b2' }); // last descriptor wins
    assert.equal(await registry.hasHandleGrant(processScope('s'), 'p'), false);
    assert.deepEqual((await registry.listHandleGrants(frameB))[0]![0], { session_id: 's', process_id: 'p', descriptor: { label: 'b2' } });
    // An empty frame id is no frame.
    assert.deepEqual(await registry.listHandleGrants({ session_id: 's', agent_frame_id: '' }), []);
    const grants = await registry.handleGrantsForProcess('p');
    assert.deepEqual(grants.map((grant) => grant.descriptor.label), ['a', 'b2']);
    const report = await registry.deleteSessionProcessState('s');
    assert.equal(report.revoked_handle_count, 2);
    assert.deepEqual(report.cancel_process_ids, ['p']);
  });
});
