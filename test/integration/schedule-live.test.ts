import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// Issue #16: `/deploy schedule` during a live deployment used to say "No maintenance window is scheduled".
describe('/deploy schedule without a maintenance window', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("shows the live deployment's timeline from its audit log, who did what and when", async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);

    const before = harness.slack.responses.length;
    await harness.client.command('schedule', { user: users.stranger });
    const answer = await waitUntil(
      () =>
        harness.slack.responses.slice(before).at(-1)?.body as { text: string; blocks: unknown[] } | undefined,
      { label: 'the schedule answer' },
    );
    expect(answer.text).toMatch(/^Deployment #1: v4\.0\.0 → production: timeline \(\d+ events\)/);
    const body = JSON.stringify(answer.blocks);
    expect(body).toContain('this is the live deployment');
    expect(body).toMatch(/start → running · <@ULEAD>/);
    expect(body).toMatch(/steps done → soaking · Stagecoach · step: log_scan, stage: canary/);
    expect(body).not.toContain('No maintenance window is scheduled. Schedule one');
  });
});
