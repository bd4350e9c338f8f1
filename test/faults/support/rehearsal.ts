import type pg from 'pg';
import { checkInMessageCounts } from '../../support/check-in-messages.js';
import type { FakeSlack } from '../../support/fake-slack.js';
import type { createSlackClient } from '../../support/slack-requests.js';
import { createClicker, openPrompts, type PromptMessage } from './prompts.js';

export const people = { lead: 'ULEAD', project: 'UPROJECT', dba: 'UDBA' } as const;

/** The success window (72 h in the shipped plan) passes before the declaration is asked for. */
export const successWindowWaitMs = (timeScale: string) => (72 * 3600_000) / Number(timeScale);

/** What a deployment lead and project lead click to see a rehearsal through: promote, declare, and "mark done" for a step cut off by a crash. */
export function rehearsalChoice({ buttons }: PromptMessage) {
  if (buttons.some((b) => b.actionId === 'stage_promote'))
    return { actionId: 'stage_promote', user: people.lead };
  if (buttons.some((b) => b.actionId === 'deploy_declare_complete'))
    return { actionId: 'deploy_declare_complete', user: people.project };
  // The orphaned step ran (or was cut off) once already: marking it done never runs it twice.
  if (buttons.some((b) => b.actionId === 'step_mark_done'))
    return { actionId: 'step_mark_done', user: people.lead };
  return undefined;
}

/** The prompt each waiting state needs; without it on screen, nobody can move the deployment on by button. */
const neededPrompt: Record<string, string> = {
  awaiting_promotion: 'stage_promote',
  success_window: 'deploy_declare_complete',
  step_interrupted: 'step_mark_done',
};

export interface DriveResult {
  state: string;
  /** Waiting states that sat without their prompt in Slack for `lostAfterMs`. */
  lostPrompts: { state: string; since: number }[];
  clicks: ReturnType<typeof createClicker>['log'];
}

/**
 * Clicks one deployment's prompts until it completes (or fails, or the deadline passes). `onTick`
 * runs between passes, e.g. to kill and restart the product. A waiting state whose prompt never
 * reached Slack is recorded; for a promotion the `/deploy approve` command stands in so the
 * rehearsal can go on.
 */
export async function driveToCompletion(input: {
  db: pg.Pool;
  slack: FakeSlack;
  client: () => ReturnType<typeof createSlackClient>;
  deploymentId: number;
  timeoutMs: number;
  lostAfterMs?: number;
  /** More patience for a state whose prompt comes late by design (the success window runs first). */
  extraWaitMs?: Partial<Record<string, number>>;
  onTick?: (state: string) => Promise<void>;
}): Promise<DriveResult> {
  const { db, slack, deploymentId, timeoutMs, lostAfterMs = 25_000 } = input;
  const clicker = createClicker({ slack, client: input.client(), choose: rehearsalChoice });
  const lostPrompts: DriveResult['lostPrompts'] = [];
  const deadline = Date.now() + timeoutMs;
  let state = '';
  let waitingSince = 0;
  let waitingState = '';
  while (Date.now() < deadline) {
    state =
      (await db.query<{ state: string }>('SELECT state FROM deployments WHERE id = $1', [deploymentId]))
        .rows[0]?.state ?? 'missing';
    if (['completed', 'step_failed', 'rollback_failed', 'rolled_back', 'aborted'].includes(state)) break;
    await clicker.tick().catch(() => undefined);
    const needed = neededPrompt[state];
    if (needed && !openPrompts(slack).some((p) => p.buttons.some((b) => b.actionId === needed))) {
      if (waitingState !== state) {
        waitingState = state;
        waitingSince = Date.now();
      } else if (Date.now() - waitingSince > lostAfterMs + (input.extraWaitMs?.[state] ?? 0)) {
        lostPrompts.push({ state, since: waitingSince });
        waitingState = '';
        if (state === 'awaiting_promotion')
          await input
            .client()
            .command('approve', { user: people.lead })
            .catch(() => undefined);
      }
    } else {
      waitingState = '';
    }
    await input.onTick?.(state);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { state, lostPrompts, clicks: clicker.log };
}

/**
 * How many Slack messages show each check-in, by number, in the deployment's thread (or anywhere):
 * quiet check-ins share a message, edited as each comes due, so a check-in reaches Slack as a post
 * or as an edit; posted twice, it shows in two messages.
 */
export function checkInPosts(slack: FakeSlack, threadTs?: string): Map<number, number> {
  const messages = slack.messages().filter((m) => threadTs === undefined || m.thread_ts === threadTs);
  return checkInMessageCounts(messages);
}

/** Plan commands that appear more than once in the workspace's invocation log. */
export function repeatedInvocations(lines: string[]): string[] {
  const seen = new Map<string, number>();
  for (const line of lines) seen.set(line, (seen.get(line) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([line, n]) => `${line} ×${n}`);
}
