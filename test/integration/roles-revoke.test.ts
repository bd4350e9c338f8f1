import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, users } from '../support/harness.js';

type Answer = { text: string; response_type?: string; blocks?: { text?: { text: string } }[] };

/** `/deploy role <role> remove <@user>`: admins take a role back, as they give it. */
describe('removing a role', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.db.query('TRUNCATE role_assignments, audit_log RESTART IDENTITY CASCADE');
    await h.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES
       ('deployment_lead', $1, 'test'), ('database_admin', $2, 'test')`,
      [users.lead, users.dba],
    );
  });

  /** Sends `/deploy <text>` and returns what the user was shown: the response_url post, else the ack body. */
  const deploy = async (text: string, user: string): Promise<Answer> => {
    const before = h.slack.responses.length;
    const reply = await h.client.command(text, { user });
    expect(reply.status).toBe(200);
    const answer = (h.slack.responses.slice(before).at(-1)?.body ?? reply.json) as Answer | undefined;
    if (!answer) throw new Error(`no answer to /deploy ${text}`);
    return answer;
  };
  const holders = async (role: string) =>
    (
      await h.db.query<{ user_id: string }>('SELECT user_id FROM role_assignments WHERE role = $1', [role])
    ).rows.map((row) => row.user_id);
  const audit = async () =>
    (await h.db.query('SELECT actor, action, detail FROM audit_log ORDER BY id')).rows as {
      actor: string;
      action: string;
      detail: Record<string, unknown>;
    }[];

  it('an admin removes a role: answered privately, audited, gone from /deploy roles, and its rights with it', async () => {
    const answer = await deploy(`role deployment_lead remove <@${users.lead}|lee>`, users.admin);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe(`<@${users.lead}> is no longer Deployment Lead.`);
    expect(await holders('deployment_lead')).toEqual([]);
    expect(await holders('database_admin')).toEqual([users.dba]);
    expect(await audit()).toEqual([
      { actor: users.admin, action: 'remove_role', detail: { role: 'deployment_lead', userId: users.lead } },
    ]);

    const roles = await deploy('roles', users.stranger);
    const leadLine = (roles.blocks ?? [])
      .flatMap((block) => (block.text?.text ?? '').split('\n'))
      .find((line) => line.startsWith('*Deployment Lead*'));
    expect(leadLine).not.toContain(`<@${users.lead}>`);

    const start = await deploy('start v4.0.0', users.lead);
    expect(start.text).toMatch(/^Only the Deployment Lead may/);
    expect(Number((await h.db.query('SELECT count(*) FROM deployments')).rows[0].count)).toBe(0);
  });

  it('removing a role the user does not hold changes nothing and says so', async () => {
    const answer = await deploy(`role qa_lead remove <@${users.lead}>`, users.admin);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe(`<@${users.lead}> was not QA Lead; nothing changed.`);
    expect(await holders('deployment_lead')).toEqual([users.lead]);
    expect(await audit()).toEqual([]);
  });

  it('only admins may remove roles: anyone else is refused, the refusal audited, nothing removed', async () => {
    for (const user of [users.lead, users.stranger]) {
      const answer = await deploy(`role deployment_lead remove <@${users.lead}>`, user);
      expect(answer.response_type).toBe('ephemeral');
      expect(answer.text).toBe('Only admins (ADMIN_USER_IDS) may remove roles. Ask one of them.');
    }
    expect(await holders('deployment_lead')).toEqual([users.lead]);
    expect((await audit()).map((row) => [row.actor, row.action, row.detail.attempted])).toEqual([
      [users.lead, 'refused', 'remove_role'],
      [users.stranger, 'refused', 'remove_role'],
    ]);
  });

  it.each([
    ['no user', 'role deployment_lead remove', /`role <role> remove` needs a role and a user/],
    [
      'a name instead of a mention',
      'role deployment_lead remove lee',
      /`role <role> remove` needs a role and a user/,
    ],
    [
      'two users',
      `role deployment_lead remove <@${users.lead}> <@${users.dba}>`,
      /`role <role> remove` needs/,
    ],
    [
      'a role the plan does not have',
      `role release_wizard remove <@${users.lead}>`,
      /`release_wizard` is not a role of this plan/,
    ],
  ])('bad input (%s) is answered with what is wrong, and nothing changes', async (_label, text, reason) => {
    const answer = await deploy(text, users.admin);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(reason);
    expect(await holders('deployment_lead')).toEqual([users.lead]);
    expect((await audit()).filter((row) => row.action === 'remove_role')).toEqual([]);
  });

  it('parse errors carry the usage, which documents the removal', async () => {
    const answer = await deploy('role deployment_lead remove', users.admin);
    expect(answer.text).toContain('*Usage:*');
    expect(answer.text).toContain('`role <role> remove <@user>`');
  });

  it('a role a former plan had can still be taken away from whoever holds it', async () => {
    await h.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('release_wizard', 'UOLD', 'x')`,
    );
    const answer = await deploy('role release_wizard remove <@UOLD>', users.admin);
    expect(answer.text).toBe('<@UOLD> is no longer `release_wizard`.');
    expect(await holders('release_wizard')).toEqual([]);
  });
});
