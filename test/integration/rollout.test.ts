import { mkdir, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import { listTimers } from '../../src/infra/db/timers.js';
import { appDatabaseUrl } from '../support/databases.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// 24 h of soak pass in 1.5 s, 48 h in 3 s.
const timeScale = '57600';
// People decide in real time: the go/no-go deadline (30 minutes) stays out of the way of the rollout.
const realTimeDecisions = { TIME_SCALE: timeScale, REHEARSAL_DECISION_SCALE: '1' };

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];

describe('staged rollout', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const root = () =>
    h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
  const thread = () => {
    const r = root();
    return r ? h.slack.thread('C_DEPLOY', r.ts) : [];
  };
  const promptWith = (actionId: string) =>
    waitUntil(() => thread().find((m) => buttonsOf(m).some((b) => b.action_id === actionId)), {
      label: `a prompt with ${actionId}`,
    });
  const click = async (actionId: string, user: string) => {
    const prompt = await promptWith(actionId);
    const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
    await h.client.action(actionId, button.value, { user, messageTs: prompt.ts });
    return prompt;
  };
  const lastAnswer = () => (h.slack.responses.at(-1)?.body as { text: string } | undefined)?.text ?? '';
  const shifts = async () => (await h.workspace.invocations()).filter((line) => line.includes('--percent='));

  it('goes 10% → 50% → 100% with approvals, shifting traffic in order', async () => {
    h = await startHarness({ env: realTimeDecisions });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect((await h.deployment(1))?.currentPercent).toBe(10);

    const first = await promptWith('stage_promote');
    expect(first.text).toMatch(/Canary.*10%.*Promote to \*50%\*/);
    expect(buttonsOf(first).map((b) => b.action_id)).toEqual([
      'stage_promote',
      'stage_extend_soak',
      'deploy_rollback',
    ]);
    const answered = h.slack.responses.length;
    await click('stage_promote', users.lead);
    // No private echo: the prompt itself now says who promoted, and when (a date token), without buttons.
    const decided = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.ts === first.ts && m.text.includes('Promoted by')),
      { label: 'the prompt to say who promoted' },
    );
    expect(decided.text).toMatch(
      /Promoted by <@ULEAD> at <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>/,
    );
    expect(buttonsOf(decided)).toEqual([]);
    await waitUntil(async () => (await h.deployment(1))?.currentPercent === 50, { label: '50%' });
    expect(h.slack.responses.slice(answered)).toEqual([]);

    await waitUntil(
      () =>
        thread().filter((m) => buttonsOf(m).some((b) => b.action_id === 'stage_promote')).length === 1 &&
        thread().some((m) => m.text.includes('Promote to *100%*')),
      { label: 'second promotion prompt' },
    );
    await click('stage_promote', users.lead);
    await h.waitForState(1, 'success_window');
    expect((await h.deployment(1))?.currentPercent).toBe(100);

    await click('deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');
    expect(await shifts()).toEqual([
      'deploy-frontend --env=production --percent=10',
      'deploy-frontend --env=production --percent=50',
      'deploy-frontend --env=production --percent=100',
    ]);
    const management = h.slack.messages('C_MGMT').map((m) => m.text);
    expect(management.some((t) => t.includes('started'))).toBe(true);
    expect(management.some((t) => t.includes('complete'))).toBe(true);
    // Each management line says where the details are.
    for (const line of management) expect(line).toMatch(/\(deployment #1 · details in <#C_DEPLOY>\)$/);
  });

  it('refuses a click by a user without the role and changes nothing', async () => {
    h = await startHarness({ env: realTimeDecisions });
    await h.client.command('start v4.0.0', { user: users.lead });
    await promptWith('stage_promote');
    await click('stage_promote', users.stranger);
    expect(lastAnswer()).toMatch(/Only the Deployment Lead may approve a stage/);
    expect((await h.deployment(1))?.state).toBe('awaiting_promotion');
    expect(await shifts()).toEqual(['deploy-frontend --env=production --percent=10']);
    expect((await listAudit(h.db, { action: 'refused' })).map((a) => a.actor)).toEqual([users.stranger]);
    const prompt = await promptWith('stage_promote');
    expect(buttonsOf(prompt)).toHaveLength(3);
  });

  it('makes exactly one traffic shift out of 20 concurrent approve clicks', async () => {
    h = await startHarness({ env: realTimeDecisions });
    await h.client.command('start v4.0.0', { user: users.lead });
    const prompt = await promptWith('stage_promote');
    const value = buttonsOf(prompt).find((b) => b.action_id === 'stage_promote')?.value as string;
    const before = h.slack.responses.length;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        h.client.action('stage_promote', value, { user: users.lead, messageTs: prompt.ts }),
      ),
    );
    await waitUntil(
      async () =>
        (await h.deployment(1))?.state === 'soaking' && (await h.deployment(1))?.currentPercent === 50,
      { label: '50% soak' },
    );
    expect(await shifts()).toEqual([
      'deploy-frontend --env=production --percent=10',
      'deploy-frontend --env=production --percent=50',
    ]);
    // The 19 losers are told privately who decided; the winner's answer is the prompt itself.
    const answers = h.slack.responses.slice(before).map((r) => (r.body as { text: string }).text);
    expect(answers).toHaveLength(19);
    expect(answers.filter((t) => /^Already decided: Promoted by <@ULEAD> at /.test(t))).toHaveLength(19);
    const decided = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.ts === prompt.ts && m.text.includes('Promoted by')),
      { label: 'the prompt to say who promoted' },
    );
    expect(decided.text).toMatch(/Promoted by <@ULEAD> at <!date\^/);
    expect(buttonsOf(decided)).toEqual([]);
    expect(h.slack.messages('C_DEPLOY').filter((m) => /Promoted by <@ULEAD> at/.test(m.text))).toHaveLength(
      1,
    );
    expect(await listAudit(h.db, { deploymentId: 1, action: 'promote' })).toHaveLength(1);
  });

  it('rolls back after migrations: reverts, restores the real database, and fires nothing afterwards', async () => {
    h = await startHarness({ env: realTimeDecisions });
    const app = new pg.Client({ connectionString: appDatabaseUrl });
    await app.connect();
    await app.query('DROP TABLE IF EXISTS consent; DROP TABLE IF EXISTS patients');
    await app.query(
      `CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO patients (name) VALUES ('ada'), ('grace')`,
    );
    await mkdir(`${h.workspace.dir}/.state`, { recursive: true });
    await writeFile(`${h.workspace.dir}/.state/database-url`, appDatabaseUrl);
    try {
      await h.client.command('start v4.0.0', { user: users.lead });
      await h.waitForState(1, 'soaking', 20_000);
      expect((await app.query('SELECT name FROM patients ORDER BY id')).rows.map((r) => r.name)).toEqual([
        'ADA',
        'GRACE',
      ]);
      expect((await h.deployment(1))?.schemaChanged).toBe(true);

      await h.client.command('rollback error rate above threshold', { user: users.lead });
      await h.waitForState(1, 'awaiting_restore');
      expect((await h.workspace.invocations()).at(-1)).toBe(
        'deploy-frontend --env=production --rollback-to=v3.9.0',
      );
      const restorePrompt = await promptWith('restore_confirm');
      expect(restorePrompt.text).toMatch(/Data written since then will be lost/);
      await click('restore_confirm', users.stranger);
      expect(lastAnswer()).toMatch(
        /Only the Database Admin or Deployment Lead may confirm a database restore/,
      );
      await click('restore_confirm', users.dba);
      await h.waitForState(1, 'rolled_back', 20_000);

      expect((await app.query('SELECT name FROM patients ORDER BY id')).rows.map((r) => r.name)).toEqual([
        'ada',
        'grace',
      ]);
      const columns = await app.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'patients' ORDER BY ordinal_position`,
      );
      expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'name']);
      expect((await app.query(`SELECT to_regclass('consent') AS t`)).rows[0].t).toBeNull();

      // The rollback's own thread lines are on their way through the outbox: let them land first.
      await h.outboxDrained();
      const messagesAfter = h.slack.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(thread().some((m) => buttonsOf(m).some((b) => b.action_id === 'stage_promote'))).toBe(false);
      expect(
        (await listTimers(h.db, 1)).filter((t) => t.status === 'fired' && t.kind === 'soak_end'),
      ).toEqual([]);
      // Nothing of the rollout speaks again (the T+1w review, a separate timer, is allowed to).
      const after = h.slack.calls
        .slice(messagesAfter)
        .filter((c) => c.method === 'chat.postMessage' && !/review|report/i.test(String(c.args.text)));
      expect(after).toEqual([]);
      expect(h.slack.messages('C_MGMT').some((m) => m.text.includes('rolled back'))).toBe(true);

      await h.client.command('start v4.0.1', { user: users.lead });
      expect(lastAnswer()).toMatch(/production is locked/);
      await h.client.command('unlock production', { user: users.lead });
      expect(lastAnswer()).toMatch(/Say why it is safe now/);
      await h.client.command('unlock production fixed the error budget alert', { user: users.lead });
      expect(lastAnswer()).toMatch(/production is unlocked/);
    } finally {
      await app.end();
    }
  });

  it('applies the hold policy at an undecided go/no-go deadline and pages both leads', async () => {
    h = await startHarness({ env: { TIME_SCALE: timeScale } });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'held');
    const page = await waitUntil(
      () =>
        h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('go/no-go deadline passed')),
      { label: 'page' },
    );
    expect(page.text).toContain('<@ULEAD>');
    expect(page.text).toContain('<@UPROJECT>');
    const goNoGo = await waitUntil(
      () => thread().find((m) => m.text.includes('Go/no-go') && m.text.includes('No decision by')),
      { label: 'decided go/no-go prompt' },
    );
    expect(buttonsOf(goNoGo)).toEqual([]);
    // Nothing advances while held: no traffic shift happens.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await shifts()).toEqual([]);
    await h.client.command('resume', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect(await shifts()).toEqual(['deploy-frontend --env=production --percent=10']);
  });
});
