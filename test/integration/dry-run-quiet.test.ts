// Issue #15: a dry run changes nothing, so nothing waits on it: no go/no-go deadline or prompt, no
// check-ins, reviews or monitor polls. It runs with the plan's real go/no-go deadline (30 minutes,
// half a second at this TIME_SCALE): were it armed, the dry run would be put on hold.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, users } from '../support/harness.js';

describe('a dry run', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('gets no go/no-go prompt or deadline, and no check-ins, reviews or monitor polls', async () => {
    h = await startHarness();
    const harness = h;
    await harness.client.command('start v4.0.0 --dry-run', { user: users.lead });
    await harness.waitForState(1, 'completed', 30_000);
    await harness.outboxDrained();

    const kinds = async (table: 'prompts' | 'timers') =>
      (
        await harness.db.query<{ kind: string }>(`SELECT kind FROM ${table} WHERE deployment_id = 1`)
      ).rows.map((row) => row.kind);
    expect(await kinds('prompts')).not.toContain('go_no_go');
    const timers = await kinds('timers');
    for (const kind of ['go_no_go', 'check_in', 'review']) expect(timers).not.toContain(kind);
    expect(await harness.runtime.queues.monitor.getJobScheduler('monitor-1')).toBeUndefined();
    const samples = await harness.db.query('SELECT 1 FROM metric_samples WHERE deployment_id = 1');
    expect(samples.rowCount).toBe(0);
    const audit = await harness.db.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE deployment_id = 1 ORDER BY id',
    );
    expect(audit.rows.map((row) => row.action)).not.toContain('hold');
    const posted = harness.slack.messages('C_DEPLOY').map((message) => message.text);
    expect(posted.join('\n')).not.toMatch(/Go\/no-go|Check-in/);
  });
});
