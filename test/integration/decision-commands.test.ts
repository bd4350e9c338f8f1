import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

type Answer = { text: string; response_type?: string };

// People decide in real time while soaks pass at the harness's TIME_SCALE: the go/no-go prompt
// stays open for the plan's 30 minutes instead of being held by its deadline within a second.
const realTimeDecisions = { env: { REHEARSAL_DECISION_SCALE: '1' } };

// Issue #15: every button has a command, with the same checks; and a dry run ends by itself.
describe('/deploy decisions typed instead of clicked', () => {
  let h: Harness;
  afterEach(async () => {
    const current = h as Harness | undefined;
    (h as Harness | undefined) = undefined;
    await current?.close();
  });

  const deploy = async (text: string, user: string = users.lead): Promise<Answer> => {
    const before = h.slack.responses.length;
    const reply = await h.client.command(text, { user });
    expect(reply.status).toBe(200);
    const answer = (h.slack.responses.slice(before).at(-1)?.body ?? reply.json) as Answer | undefined;
    if (!answer) throw new Error(`no answer to /deploy ${text}`);
    return answer;
  };
  const audit = async () =>
    (await h.db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).rows.map(
      (r) => r.action,
    );
  const runsOf = async (stepId: string) =>
    (
      await h.db.query<{ attempt: number; status: string }>(
        'SELECT attempt, status FROM step_runs WHERE deployment_id = 1 AND step_id = $1 ORDER BY attempt',
        [stepId],
      )
    ).rows;

  it('/deploy retry runs a failed step again and the deployment goes on; bad input changes nothing', async () => {
    h = await startHarness(realTimeDecisions);
    await h.workspace.fail('phase5-test-runner');
    await deploy('start v4.0.0');
    await h.waitForState(1, 'step_failed');
    const before = await audit();

    const typo = await deploy('retry now');
    expect(typo.text).toMatch(/`retry` takes no arguments/);
    expect(typo.text).toContain('*Usage:*');
    const stranger = await deploy('retry', users.stranger);
    expect(stranger.text).toMatch(/Only the Deployment Lead/);
    expect((await h.deployment(1))?.state).toBe('step_failed');
    expect(await runsOf('verification_tests')).toEqual([{ attempt: 1, status: 'failed' }]);
    expect((await audit()).filter((a) => a !== 'refused')).toEqual(before);

    await h.workspace.heal('phase5-test-runner');
    const retried = await deploy('retry');
    expect(retried.text).toMatch(/Retrying .* \(attempt 2\) for deployment #1/);
    await h.waitForState(1, 'soaking', 30_000);
    expect(await runsOf('verification_tests')).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
    // The failure prompt was answered by the command, as a click would have.
    const prompt = await h.db.query<{ status: string; decision: string }>(
      `SELECT status, decision FROM prompts WHERE deployment_id = 1 AND kind = 'step_failed'`,
    );
    expect(prompt.rows).toEqual([{ status: 'decided', decision: 'Retried' }]);
    // Nothing halted any more: a second retry is refused.
    expect((await deploy('retry')).text).toMatch(/"retry" is not possible now/);
  });

  it('/deploy mark-done goes on past a failed step without running it again', async () => {
    h = await startHarness(realTimeDecisions);
    await h.workspace.fail('phase5-test-runner');
    await deploy('start v4.0.0');
    await h.waitForState(1, 'step_failed');
    await h.workspace.heal('phase5-test-runner');
    // Only a step_interrupted deployment may be marked done (the state table): refused, unchanged.
    const refused = await deploy('mark-done');
    expect((await h.deployment(1))?.state).toBe('step_failed');
    expect(refused.text).not.toMatch(/^Marked/);
  });

  it('/deploy go answers the go/no-go prompt; /deploy resolve <n> resolves an issue', async () => {
    h = await startHarness(realTimeDecisions);
    await deploy('start v4.0.0');
    await waitUntil(
      async () =>
        (await h.db.query(`SELECT 1 FROM prompts WHERE deployment_id = 1 AND kind = 'go_no_go'`)).rowCount,
    );
    expect((await deploy('go', users.stranger)).text).toMatch(/Only/);
    expect((await deploy('go')).text).toMatch(/Go decision recorded for deployment #1/);
    expect((await deploy('go')).text).toMatch(/no open go\/no-go decision/);

    const reported = await deploy('issue major slow search', users.stranger);
    expect(reported.text).toMatch(/Issue #1 \(major\) recorded/);
    expect((await deploy('resolve 2')).text).toMatch(/There is no issue #2/);
    expect((await deploy('resolve #1')).text).toBe('Issue #1 resolved.');
    expect((await deploy('resolve 1')).text).toMatch(/already resolved/);
    const issue = await h.db.query<{ status: string }>('SELECT status FROM issues WHERE id = 1');
    expect(issue.rows[0]?.status).toBe('resolved');
  });

  it('/deploy all-good, ack, complete and keep-db say what is missing when nothing waits for them', async () => {
    h = await startHarness(realTimeDecisions);
    expect((await deploy('complete')).text).toMatch(/no active deployment/);
    await deploy('start v4.0.0');
    expect((await deploy('all-good')).text).toMatch(/no open check-in/);
    expect((await deploy('ack')).text).toMatch(/no open alert/);
    expect((await deploy('no-auto-rollback')).text).toMatch(/no open alert/);
    expect((await deploy('keep-db', users.dba)).text).not.toMatch(/Kept the database/);
    expect((await h.deployment(1))?.state).not.toBe('rolled_back');
  });
});

describe('a dry run', () => {
  let h: Harness;
  afterEach(async () => {
    const current = h as Harness | undefined;
    (h as Harness | undefined) = undefined;
    await current?.close();
  });

  it('speaks only in the deployment channel, labelled, and ends by itself with the environment free', async () => {
    h = await startHarness(realTimeDecisions);
    await h.client.command('start v4.0.0 --dry-run', { user: users.lead });
    await h.waitForState(1, 'soaking', 30_000);
    // Its soak is a few seconds; where a person would promote, it ends by itself.
    await h.waitForState(1, 'completed', 30_000);
    await h.outboxDrained();

    expect(await h.workspace.invocations()).toEqual([]);
    expect(h.slack.messages('C_MGMT')).toEqual([]);
    expect(h.slack.messages('C_SUPPORT')).toEqual([]);
    const outbox = await h.db.query<{ channel: string; target: { channel?: string } }>(
      'SELECT channel, target FROM notifications WHERE deployment_id = 1',
    );
    expect(outbox.rows.length).toBeGreaterThan(0);
    for (const row of outbox.rows) {
      expect(row.channel).toBe('slack');
      expect(row.target.channel).toBe('C_DEPLOY');
    }
    const locks = await h.db.query('SELECT 1 FROM environment_locks');
    expect(locks.rowCount).toBe(0);
    const audit = await h.db.query<{ action: string; to_state: string | null }>(
      `SELECT action, to_state FROM audit_log WHERE deployment_id = 1 AND to_state IN ('rolling_back', 'rolled_back')`,
    );
    expect(audit.rows).toEqual([]);
    const pending = await h.db.query(`SELECT 1 FROM timers WHERE deployment_id = 1 AND status = 'pending'`);
    expect(pending.rowCount).toBe(0);

    // Every message in the channel says it is a dry run; the thread says how it ended.
    const posted = h.slack.messages('C_DEPLOY').filter((m) => !m.ephemeral);
    expect(posted.length).toBeGreaterThan(1);
    for (const message of posted) expect(message.text).toContain('(dry run)');
    expect(posted.some((m) => m.text.includes('Dry run finished: nothing was changed'))).toBe(true);
    const prompts = await h.db.query<{ text: string }>(
      `SELECT payload->'message'->>'text' AS text FROM prompts WHERE deployment_id = 1`,
    );
    for (const prompt of prompts.rows) expect(prompt.text).toMatch(/^\(dry run\)/);

    // The environment is free: a real deployment may start at once.
    const before = h.slack.responses.length;
    await h.client.command('start v4.0.0', { user: users.lead });
    const started = await waitUntil(() => h.slack.responses.slice(before).at(-1)?.body as Answer | undefined);
    expect(started.text).toMatch(/Started deployment #2: v4\.0\.0 → production/);
    expect((await h.deployment(2))?.previousVersion).not.toBe('v4.0.0');
  });
});
