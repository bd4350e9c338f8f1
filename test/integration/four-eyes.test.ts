import { mkdir, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import type { Plan } from '../../src/plan/schema.js';
import { appDatabaseUrl } from '../support/databases.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// 24 h of soak in 1.5 s; people decide in real time, so the go/no-go deadline (30 minutes) stays out of the way.
const env = { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' };
type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];
const fourEyes = (plan: Plan): Plan => ({
  ...plan,
  authorization: { ...plan.authorization, forbidSelfApproval: true },
});

describe('four eyes (forbidSelfApproval)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });
  const thread = () => {
    const root = h.slack
      .messages('C_DEPLOY')
      .find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
    return root ? h.slack.thread('C_DEPLOY', root.ts) : [];
  };
  const promptWith = (actionId: string) =>
    waitUntil(() => thread().find((m) => buttonsOf(m).some((b) => b.action_id === actionId)), {
      label: `a prompt with ${actionId}`,
    });
  const press = async (prompt: FakeMessage, actionId: string, user: string) => {
    const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
    const reply = await h.client.action(actionId, button.value, { user, messageTs: prompt.ts });
    expect(reply.status).toBe(200);
  };
  /** A click that is refused: the clicker alone is told why, and the prompt keeps its buttons. */
  const refused = async (actionId: string, user: string) => {
    const prompt = await promptWith(actionId);
    const answered = h.slack.responses.length;
    await press(prompt, actionId, user);
    // The answer comes back promptly: a refusal never waits on the decision's own row lock.
    await waitUntil(() => h.slack.responses.length > answered, {
      label: `the answer to ${actionId}`,
      timeoutMs: 4_000,
    });
    expect(buttonsOf(h.slack.messages('C_DEPLOY').find((m) => m.ts === prompt.ts))).not.toEqual([]);
    return (h.slack.responses.at(-1)?.body as { text: string } | undefined)?.text ?? '';
  };
  /** A click that decides: no private echo; the prompt says who decided, and loses its buttons. */
  const decides = async (actionId: string, user: string, decision: string) => {
    const prompt = await promptWith(actionId);
    const answered = h.slack.responses.length;
    await press(prompt, actionId, user);
    const decided = await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => m.ts === prompt.ts && m.text.includes(`${decision} by <@${user}> at <!date^`)),
      { label: `the prompt to say "${decision} by <@${user}>"` },
    );
    expect(buttonsOf(decided)).toEqual([]);
    expect(h.slack.responses.slice(answered)).toEqual([]);
  };
  const refusals = async () =>
    (await listAudit(h.db, { deploymentId: 1 }))
      .filter((entry) => entry.action === 'refused')
      .map((entry) => entry.detail);

  it('the lead who started cannot promote their own deployment; a second lead can, and the refusal is audited at once', async () => {
    h = await startHarness({ plan: fourEyes, env });
    await h.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', $1, 'test')`,
      [users.admin],
    );
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);

    expect(await refused('stage_promote', users.lead)).toMatch(
      /forbids approving a deployment you started yourself/,
    );
    expect((await h.deployment(1))?.state).toBe('awaiting_promotion');
    expect(await refusals()).toEqual([{ attempted: 'approve_own_deployment', decision: 'promote' }]);

    await decides('stage_promote', users.admin, 'Promoted');
    await waitUntil(async () => (await h.deployment(1))?.currentPercent === 50, { label: '50%' });
  });

  it('the database admin who started cannot confirm the restore of their own deployment', async () => {
    h = await startHarness({
      plan: (plan) => {
        const p = fourEyes(plan);
        return { ...p, authorization: { ...p.authorization, start: ['deployment_lead', 'database_admin'] } };
      },
      env,
    });
    const app = new pg.Client({ connectionString: appDatabaseUrl });
    await app.connect();
    await app.query('DROP TABLE IF EXISTS consent; DROP TABLE IF EXISTS patients');
    await app.query(`CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL)`);
    await mkdir(`${h.workspace.dir}/.state`, { recursive: true });
    await writeFile(`${h.workspace.dir}/.state/database-url`, appDatabaseUrl);
    try {
      await h.client.command('start v4.0.0', { user: users.dba });
      await h.waitForState(1, 'soaking', 20_000);
      await h.client.command('rollback canary errors', { user: users.lead });
      await h.waitForState(1, 'awaiting_restore', 20_000);

      expect(await refused('restore_confirm', users.dba)).toMatch(
        /forbids approving a deployment you started yourself/,
      );
      expect((await h.deployment(1))?.state).toBe('awaiting_restore');
      expect(await refusals()).toContainEqual({
        attempted: 'approve_own_deployment',
        decision: 'confirm_restore',
      });

      await decides('restore_confirm', users.lead, 'Database restore confirmed');
      await h.waitForState(1, 'rolled_back', 20_000);
    } finally {
      await app.end();
    }
  });
});
