import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import { listTimers } from '../../src/infra/db/timers.js';
import { checkInMessageCounts, checkInsShownBy } from '../support/check-in-messages.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// 24 h of soak pass in 1.5 s; people still get the plan's 30 minutes to decide go/no-go.
const timeScale = 57_600;
const minute = 60_000;

describe('a rehearsal with REHEARSAL_DECISION_SCALE', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const checkIns = () => {
    const root = h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
    return root
      ? h.slack.thread('C_DEPLOY', root.ts).filter((m: FakeMessage) => checkInsShownBy(m.text).length > 0)
      : [];
  };

  it('soaks pass at TIME_SCALE while the go/no-go deadline and check-in answers wait in real time', async () => {
    // The plan's own go/no-go deadline (30 minutes, then hold and page): no test fixture moves it.
    h = await startHarness({
      env: { TIME_SCALE: String(timeScale), REHEARSAL_DECISION_SCALE: '1' },
    });
    const started = Date.now();
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    // The 24 h canary soak is over within seconds: the promotion prompt is waiting.
    await h.waitForState(1, 'awaiting_promotion', 10_000);
    const soakedMs = Date.now() - started;
    // A few seconds more, far beyond the go/no-go deadline at TIME_SCALE (31 ms).
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const deployment = await h.deployment(1);
    expect(deployment?.state).toBe('awaiting_promotion');
    const timers = await listTimers(h.db, 1);
    const goNoGo = timers.find((t) => t.kind === 'go_no_go');
    expect(goNoGo?.status).toBe('pending');
    const deadlineMs = (goNoGo?.fireAt.getTime() ?? 0) - (deployment?.createdAt.getTime() ?? 0);
    expect(Math.abs(deadlineMs - 30 * minute)).toBeLessThan(1_000);
    const soak = timers.find((t) => t.kind === 'soak_end');
    expect(soak?.status).toBe('fired');
    expect(soakedMs).toBeLessThan(20_000);

    const actions = (await listAudit(h.db, { deploymentId: 1 })).map((row) => row.action);
    expect(actions).not.toContain('go_no_go_deadline');
    expect(actions).not.toContain('hold');
    const pages = h.slack
      .messages('C_DEPLOY')
      .filter((m) => !m.thread_ts && /go\/no-go deadline passed|went unanswered/.test(m.text));
    expect(pages).toEqual([]);

    // The check-ins came at TIME_SCALE (6 h in well under a second), and none is counted as
    // missed: each is still within its 30-minute answer window.
    // Quiet ones share a message: each of the 12 shows in exactly one.
    await waitUntil(() => checkInMessageCounts(checkIns()).size >= 12, {
      timeoutMs: 10_000,
      label: '12 check-ins',
    });
    expect([...checkInMessageCounts(checkIns()).values()]).toEqual(Array(12).fill(1));
    expect(checkIns().some((m) => JSON.stringify(m.blocks).includes('went unanswered'))).toBe(false);
    const open = await h.db.query(
      `SELECT count(*)::int AS n FROM prompts WHERE deployment_id = 1 AND kind = 'check_in' AND status = 'open'`,
    );
    expect(open.rows[0]?.n).toBe(12);
  });
});
