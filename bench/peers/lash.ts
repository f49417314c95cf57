/**
 * This package's side of `peers.bench.ts`: the session API with default
 * options (`openSessions(file)`: WAL, synchronous=NORMAL, Balanced blobs,
 * the default retention), one `commitTurn` per turn — the turn of
 * `agent-turn.bench.ts`.
 */
import type { Session } from '../../src/api/session.ts';
import { openSessions } from '../../src/openers/node-sessions.ts';
import { HISTORY_MESSAGES, timed, type PeerSide, type PeerTurn } from './workload.ts';

/** The model the agent-turn workload's session is configured with. */
export const AGENT_MODEL = { id: 'gpt-5.4-mini', limits: { context_window_tokens: 200_000 } };

/** One agent turn through the session API (also `agent-turn.bench.ts`'s store side). */
export function commitAgentTurn(session: Session, turnId: string, input: Omit<PeerTurn, 'n'>): Promise<unknown> {
  return session.commitTurn({
    turnId,
    messages: [
      { role: 'user', text: input.question },
      { role: 'assistant', text: input.answer },
    ],
    usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 800, reasoningTokens: 50 },
    toolState: input.tool,
    ...(input.plugin === undefined ? {} : { pluginSnapshot: input.plugin }),
  });
}

export async function openLash(path: string): Promise<PeerSide> {
  const sessions = await openSessions(path);
  const session = await sessions.session('agent', { config: { provider: 'openai', model: AGENT_MODEL } });
  return {
    path,
    async turn(input) {
      const { ms, cpuMs } = await timed(() => commitAgentTurn(session, `turn-${input.n}`, input));
      return { ms, cpuMs };
    },
    async readHistory() {
      // As a fresh process would: read the session from the file, then its history.
      const { value, ms } = await timed(async () => {
        await session.reload();
        return session.history({ limit: HISTORY_MESSAGES });
      });
      return { messages: value.length, ms };
    },
    close: () => sessions.close(),
  };
}
