/**
 * The scripted agent conversation the playground plays: a user asks about a
 * flaky test; a follow-up is queued while the agent works; the agent runs the
 * tests as a background process whose events stream in and whose final event
 * wakes the session; the agent claims the queued work and answers it in the
 * same commit; then it tries an alternative on a branch, and the user switches
 * the active path back to the main line.
 */
import type { PlaygroundSession } from './session.ts';

export interface ScriptStep {
  readonly label: string;
  run(session: PlaygroundSession, memo: Map<string, string>): Promise<unknown>;
}

const tools = (generation: number, extra: Record<string, { manifest: { version: number; description: string } }> = {}) => ({
  generation,
  tools: {
    run_tests: { manifest: { version: 1, description: 'Run the test suite in a sandbox' } },
    read_file: { manifest: { version: 1, description: 'Read a file of the repository' } },
    ...extra,
  },
});

export const SCRIPT: readonly ScriptStep[] = [
  {
    label: 'User asks about a flaky test',
    run: (s, memo) => s.say('User', 'The checkout tests fail about one run in ten. Can you find out why?').then((id) => memo.set('ask', id)),
  },
  {
    label: 'Agent plans and checkpoints its tool state',
    run: (s, memo) =>
      s
        .say('Assistant', 'I will run the checkout suite twenty times and look at the failures.', {
          toolCall: { name: 'run_tests', args: 'npm test -- checkout --repeat 20' },
          tools: tools(1),
        })
        .then((id) => memo.set('plan', id)),
  },
  {
    label: 'A follow-up is queued while the agent is busy',
    run: (s) => s.enqueueFollowUp('Also check whether the retry helper is involved.'),
  },
  {
    label: 'Background process streams events and wakes the session',
    run: (s) =>
      s.runProcess(
        `tests-${s.sessionId.replace(/[^a-z0-9-]/gi, '')}`,
        ['run 5/20: pass', 'run 12/20: FAIL timeout after 500 ms in checkout.spec.ts:88', 'run 20/20: pass'],
        '19/20 passed; 1 timeout waiting for the payment mock',
      ),
  },
  {
    label: 'Tool result goes back to the model',
    run: (s) => s.toolResult('run_tests', '19/20 passed. checkout.spec.ts:88 timed out after 500 ms waiting for the payment mock.'),
  },
  {
    label: 'Agent claims the queued work and answers it in the same commit',
    run: async (s, memo) => {
      for (;;) {
        const answered = await s.answerQueued(replyTo);
        if (answered.nodeId === null) return;
        memo.set('main', answered.nodeId);
      }
    },
  },
  {
    label: 'Agent checkpoints a new tool',
    run: (s, memo) =>
      s
        .say('Assistant', 'Proposed fix: wait for the mock with `await mock.ready()` instead of a fixed 500 ms timeout.', {
          tools: tools(2, { apply_patch: { manifest: { version: 1, description: 'Apply a patch to the working tree' } } }),
        })
        .then((id) => memo.set('main', id)),
  },
  {
    label: 'Branch: an alternative from the plan',
    run: (s, memo) =>
      s
        .say('User', 'What if we just raise the timeout to 2 s?', { parent: memo.get('plan')! })
        .then(() => s.say('Assistant', 'With a 2 s timeout, 50 of 50 runs pass — but it hides the race instead of fixing it.'))
        .then((id) => memo.set('branch', id)),
  },
  {
    label: 'Switch the active path back to the main line',
    run: (s, memo) => s.switchTo(memo.get('main')!),
  },
];

function replyTo(texts: readonly string[]): string {
  const replies = texts.map((text) =>
    text.startsWith('wake from')
      ? 'The test run finished: the failure is a timeout — the payment mock sometimes answers after 500 ms.'
      : 'About the retry helper: it is not involved; it never runs on timeouts.',
  );
  return replies.join(' ');
}
