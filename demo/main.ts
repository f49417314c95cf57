/**
 * `npm run demo` — a multi-turn agent session on node:sqlite files, through
 * the session API.
 *
 * The session lives under ./demo-data/sessions (one database per session).
 * Each run resumes it and adds three turns — a user question, an assistant
 * reply that calls a tool, the tool's result and the final answer — with
 * the tool and plugin state, an execution-state snapshot and token usage in
 * each commit. A turn retried with the same turn id (as after a crash) is
 * not committed twice. The first run also regenerates an answer on a side
 * branch and switches back. Then the store is reopened, as a restarted host
 * would, garbage collected, and summarised. Run it twice: the second run
 * continues where the first stopped.
 */
import { resolve } from 'node:path';
import type { Turn, ToolState } from '../src/index.ts';
import { openSessions } from '../src/node.ts';

const SESSION_ID = 'demo/trip-planner';
const CONFIG = { provider: 'openai', model: { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } } };
const root = resolve('demo-data', 'sessions');

const QUESTIONS = [
  'Plan a three-day trip to Lisbon in May.',
  'Which neighbourhood should we stay in?',
  'Add a day trip to Sintra.',
  'What should we eat on the last evening?',
  'Make the second day slower.',
  'Book-worthy restaurants near Alfama?',
];

function tools(generation: number): ToolState {
  const names = generation > 1 ? ['search_web', 'read_page', 'book_table'] : ['search_web', 'read_page'];
  return {
    generation,
    tools: Object.fromEntries(
      names.map((name) => [name, { manifest: { name, description: `${name.replaceAll('_', ' ')} — ${'details '.repeat(80)}` } }]),
    ),
  };
}

/** One turn of the agent: ask, call a tool, answer; everything it leaves behind goes into one commit. */
function agentTurn(index: number): Turn {
  const question = QUESTIONS[(index - 1) % QUESTIONS.length]!;
  const callId = `call-${index}`;
  const toolsChanged = index === 1 || index === 3; // a booking tool appears on turn 3
  return {
    // A stable id per turn: committing it again returns the first result.
    turnId: `demo-turn-${index}`,
    messages: [
      { role: 'user', text: question },
      { role: 'assistant', text: 'Let me look that up.', toolCalls: [{ id: callId, name: 'search_web', args: { query: question } }] },
      { role: 'tool', toolCallId: callId, name: 'search_web', text: `3 results for "${question}"` },
      { role: 'assistant', text: `Here is a plan for: ${question.toLowerCase()}` },
    ],
    usage: { inputTokens: 900 + 40 * index, outputTokens: 350, cachedInputTokens: 600, reasoningTokens: 120 },
    // Snapshots travel only when they changed; the store keeps the last ones by ref.
    ...(toolsChanged ? { toolState: tools(index >= 3 ? 2 : 1) } : {}),
    pluginSnapshot: { plugins: { memory: { meta: { plugin_id: 'memory', plugin_version: '1.0.0', revision: index, state: { facts: QUESTIONS.slice(0, index) } } } } },
    pluginSnapshotRevision: index,
    executionState: new TextEncoder().encode(JSON.stringify({ vm: 'lashlang', step: index })),
  };
}

{
  await using sessions = await openSessions({ dir: root });
  await using session = await sessions.session(SESSION_ID, { config: CONFIG });
  console.log(`session database: ${session.location}`);
  const turnsSoFar = (await session.checkpoint())?.turnIndex ?? 0;
  const firstRun = turnsSoFar === 0;
  console.log(firstRun ? 'new session' : `resuming at revision ${session.revision} after ${turnsSoFar} turns`);

  for (let i = 1; i <= 3; i++) {
    const result = await session.commitTurn(agentTurn(turnsSoFar + i));
    console.log(`  turn ${turnsSoFar + i}: revision ${result.revision}, ${result.messages.length} messages`);
  }

  // The host crashed before it saw the reply and commits the last turn again: it is not written twice.
  const last = turnsSoFar + 3;
  const retry = await session.commitTurn(agentTurn(last));
  console.log(`  retry of turn ${last}: replayed=${retry.replayed}, revision still ${retry.revision}`);
  const reused = await session.commitTurn({ ...agentTurn(last), messages: [{ role: 'user', text: 'other content' }] }).catch((error: Error) => error);
  console.log(`  turn id ${agentTurn(last).turnId} reused for other content: ${reused instanceof Error ? `${reused.name} (${(reused as { code?: string }).code})` : 'committed?!'}`);

  if (firstRun) {
    // Regenerate the final answer of turn 2 on a side branch, then switch back to the main line.
    const history = await session.history();
    const mainLeaf = session.leafId!;
    const turn2Tool = history.filter((m) => m.role === 'tool')[1]!;
    await session.fork(turn2Tool.id, { messages: [{ role: 'assistant', text: 'Alternatively: stay in Príncipe Real.' }] });
    console.log(`  branch: active path now ends "${(await session.history({ limit: 1 }))[0]!.text}"`);
    await session.switchTo(mainLeaf);
    console.log(`  switched back to ${mainLeaf} (revision ${session.revision})`);
  }
}

// Reopen, as a restarted host would, collect garbage and summarise.
{
  await using sessions = await openSessions({ dir: root });
  await using session = await sessions.session(SESSION_ID, { create: false });
  const report = await session.store.gcUnreachable();
  const checkpoint = (await session.checkpoint())!;
  const usage = await session.usage();
  const history = await session.history();
  const branches = await session.branches();
  const [summary] = (await sessions.list()).filter((s) => s.id === SESSION_ID);

  console.log('\nsummary');
  console.log(`  head revision      ${session.revision} (turn ${checkpoint.turnIndex})`);
  console.log(`  active path        ${history.length} messages; last: "${history.at(-1)!.text}"`);
  console.log(`  branches           ${branches.length} (${branches.map((b) => `${b.active ? 'active, ' : ''}${b.messageCount} messages`).join('; ')})`);
  console.log(`  checkpoint         tools generation ${checkpoint.toolState?.generation}, plugin revision ${checkpoint.pluginSnapshotRevision}, execution state ${checkpoint.executionState?.length} bytes`);
  console.log(`  usage              ${usage.bySource.map((e) => `${e.source}/${e.model}: ${e.usage.inputTokens} in, ${e.usage.outputTokens} out`).join('; ')} (total ${usage.total.totalTokens})`);
  console.log(`  listed as          "${summary?.firstUserMessage}", ${summary?.messageCount} messages, updated ${summary?.updatedAt}`);
  console.log(`  garbage collection kept ${report.retained_blob_count} blobs from ${report.root_count} roots, deleted ${report.deleted_blob_count}`);
  console.log(`  durability         ${session.store.durabilityTier()}`);
}
