/** `turnCommitHash` (§2.4.3) and the commit builders (§1.12). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SessionGraph,
  StoreError,
  applyCommitResult,
  canonicalJson,
  completingQueueClaim,
  completingQueueClaims,
  graphDelta,
  persistedStateCommit,
  persistedStateWithGraphCommit,
  runtimeSessionStateFromRead,
  stampTurnCommit,
  turnCommitHash,
  withCommittedAttachments,
  type PersistedSessionRead,
} from '../../src/index.ts';
import { nodeCodecs } from '../../src/node.ts';
import { defaultState, graphOf, messageNode, model, sampleNode, usage } from './helpers.ts';

const completion = { session_id: 'root', claim_id: 'qwc:1:1', lease_token: 't', batch_ids: ['qwb:1'] };

describe('turnCommitHash', () => {
  const base = () => persistedStateCommit(defaultState('root', { session_graph: graphOf([messageNode('m1', 'User', 'hi')], 'm1') }));

  it('is 64 lowercase hex, deterministic, and the same with either codec', () => {
    const h = turnCommitHash(base());
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(turnCommitHash(base()), h);
    assert.equal(turnCommitHash(base(), nodeCodecs), h);
  });

  it('ignores the CAS revision, the stamp, node ids, message and part ids, leaves and timestamps', () => {
    const h = turnCommitHash(base());
    assert.equal(turnCommitHash({ ...base(), expected_head_revision: 42 }), h);
    assert.equal(turnCommitHash(stampTurnCommit(base(), 'turn-1')), h);
    const renamed = persistedStateCommit(
      defaultState('root', {
        session_graph: graphOf([{ ...messageNode('other-id', 'User', 'hi'), timestamp: '2030-01-01T00:00:00Z' }], 'other-id'),
      }),
    );
    assert.equal(turnCommitHash(renamed), h);
  });

  it('changes with the content: text, turn index, usage, completions, attachments, key order aside', () => {
    const h = turnCommitHash(base());
    const changedText = persistedStateCommit(defaultState('root', { session_graph: graphOf([messageNode('m1', 'User', 'hello')], 'm1') }));
    assert.notEqual(turnCommitHash(changedText), h);
    assert.notEqual(turnCommitHash({ ...base(), usage_deltas: [usage('turn', 'm', 1, 0, 0, 0)] }), h);
    assert.notEqual(turnCommitHash(completingQueueClaim(base(), completion)), h);
    assert.notEqual(turnCommitHash(withCommittedAttachments(base(), ['a'])), h);
    const turn1 = persistedStateCommit(defaultState('root', { turn_index: 1, session_graph: graphOf([messageNode('m1', 'User', 'hi')], 'm1') }));
    assert.notEqual(turnCommitHash(turn1), h);
    const reordered = JSON.parse(canonicalJson(base()));
    assert.equal(turnCommitHash(reordered), h);
  });

  it('treats a missing optional key as null, as serde does', () => {
    const commit = base();
    const { tool_state_ref: _dropped, ...checkpoint } = commit.checkpoint;
    assert.equal(turnCommitHash({ ...commit, checkpoint: checkpoint as never }), turnCommitHash(commit));
  });

  it('hashes snapshots by their content: equal content, equal hash; any change, another hash', () => {
    const withTools = (tools: Record<string, unknown>) =>
      persistedStateCommit(defaultState('root', { tool_state_snapshot: { generation: 1, tools } as never, session_graph: graphOf([messageNode('m1', 'User', 'hi')], 'm1') }));
    const h = turnCommitHash(withTools({ a: { manifest: { name: 'a', x: 1 } } }));
    assert.equal(turnCommitHash(withTools({ a: { manifest: { x: 1, name: 'a' } } })), h, 'key order does not count');
    assert.notEqual(turnCommitHash(withTools({ a: { manifest: { name: 'a', x: 2 } } })), h);
    // Keys the scrub drops from records (`timestamp`, `id`) still count inside a snapshot: it is opaque content.
    assert.notEqual(turnCommitHash(withTools({ a: { manifest: { name: 'a', x: 1, timestamp: 't' } } })), h);
    assert.notEqual(turnCommitHash(base()), h);
  });

  it('sees a snapshot changed in place once the run that stamped it is over', async () => {
    const tools: Record<string, unknown> = { a: { manifest: { name: 'a' } } };
    const commit = persistedStateCommit(defaultState('root', { tool_state_snapshot: { generation: 1, tools } as never }));
    const before = turnCommitHash(commit);
    await Promise.resolve();
    tools.a = { manifest: { name: 'changed' } };
    assert.notEqual(turnCommitHash(commit), before);
  });

  it('throws a typed error for a commit it cannot serialise', () => {
    assert.throws(() => turnCommitHash({ ...base(), session_id: 7 as never }), StoreError);
  });
});

describe('commit builders', () => {
  it('build a first commit as ReplaceFull and later ones as Unchanged, without mutating their input', () => {
    const graph = new SessionGraph([sampleNode('a')], 'a');
    const state = defaultState('root', { session_graph: graph, policy: { provider_id: '  openai  ', model: model('m') } });
    const first = persistedStateCommit(state, [usage('turn', 'm', 1, 1, 0, 0)]);
    assert.deepEqual(first.graph, { ReplaceFull: { nodes: [sampleNode('a')], leaf_node_id: 'a' } });
    assert.equal(first.config.provider_id, 'openai');
    assert.equal(first.expected_head_revision, 0, 'a fresh state expects revision 0 (never overwrites a head)');
    assert.deepEqual(first.turn_commit, null);
    const later = persistedStateCommit({ ...state, head_revision: 3, graph_replace_required: false });
    assert.deepEqual(later.graph, { Unchanged: { leaf_node_id: 'a' } });
    assert.equal(later.expected_head_revision, 3);
    assert.deepEqual(persistedStateCommit({ ...state, head_revision: 3, graph_replace_required: true }).graph, first.graph);
    const appended = persistedStateWithGraphCommit(state, graphDelta.append([sampleNode('b', 'a')], 'b'));
    const both = completingQueueClaims(completingQueueClaim(appended, completion), [completion]);
    assert.equal(both.completed_queue_claims.length, 2);
    assert.equal(appended.completed_queue_claims.length, 0);
    assert.deepEqual(withCommittedAttachments(withCommittedAttachments(appended, ['x']), ['y']).committed_attachment_ids, ['y']);
    const stamped = stampTurnCommit(appended, 'turn-7');
    assert.deepEqual(stamped.turn_commit, { session_id: 'root', turn_id: 'turn-7', turn_commit_hash: turnCommitHash(appended) });
    assert.equal(appended.turn_commit, null);
  });

  it('applies a result: revision and refs in, snapshots out, current frame points at its execution state', () => {
    const state = defaultState('root', {
      tool_state_snapshot: { generation: 1, tools: {} },
      execution_state_snapshot: new Uint8Array([1]),
      graph_replace_required: true,
    });
    state.agent_frames = [{ ...state.agent_frames[0]!, execution_state_snapshot: new Uint8Array([1]) }];
    const next = applyCommitResult(state, {
      head_revision: 1,
      checkpoint_ref: 'c'.repeat(64),
      manifest: { turn_state: { turn_index: 0, token_usage: state.token_usage, protocol_turn_options: { payload: {} } }, tool_state_ref: 't'.repeat(64), execution_state_ref: 'e'.repeat(64) },
    });
    assert.equal(next.head_revision, 1);
    assert.equal(next.tool_state_snapshot, null);
    assert.equal(next.tool_state_ref, 't'.repeat(64));
    assert.equal(next.graph_replace_required, false);
    assert.equal(next.agent_frames[0]!.execution_state_ref, 'e'.repeat(64));
    assert.equal(next.agent_frames[0]!.execution_state_snapshot, undefined);
    assert.ok(state.agent_frames[0]!.execution_state_snapshot, 'input untouched');
  });

  it('resumes a state from a read, healing an orphaned leaf into a full replace', () => {
    const read: PersistedSessionRead = {
      session_id: 'root',
      head_revision: 4,
      config: { provider_id: 'p', model: model('m') },
      agent_frames: [],
      current_agent_frame_id: '',
      graph: new SessionGraph([messageNode('m1', 'User', 'hi')], 'gone'),
      checkpoint_ref: null,
      checkpoint: null,
      token_ledger: [],
    };
    const state = runtimeSessionStateFromRead(read);
    assert.equal(state.head_revision, 4);
    assert.equal(state.policy.model.id, 'm');
    assert.equal(state.graph_replace_required, true);
    assert.ok('ReplaceFull' in persistedStateCommit(state).graph);
  });
});
