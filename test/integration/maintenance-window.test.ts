import { afterEach, describe, expect, it } from 'vitest';
import { listScheduleItems } from '../../src/infra/db/windows.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { startMailbox, startWebhooks } from '../support/outbound-receivers.js';
import { waitUntil } from '../support/wait.js';

const day = 24 * 3600_000;
type Button = { action_id: string; value: string };
const buttonsOf = (m: FakeMessage | undefined): Button[] =>
  m?.blocks.find((b: { type: string }) => b.type === 'actions')?.elements ?? [];

describe('maintenance window and communications', () => {
  let h: Harness;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  afterEach(async () => {
    await h?.close();
    await mailbox?.close();
    await webhooks?.close();
  });

  const boot = async (timeScale: number) => {
    mailbox = await startMailbox();
    webhooks = await startWebhooks();
    h = await startHarness({
      env: {
        TIME_SCALE: String(timeScale),
        // People decide in real time: the go/no-go deadline (30 minutes) stays out of the way.
        REHEARSAL_DECISION_SCALE: '1',
        SMTP_URL: mailbox.url,
        NOTIFY_EMAILS: 'clinical-staff@example.org,it-admins@example.org',
        STATUS_WEBHOOK_URL: `${webhooks.url}/status`,
        INAPP_WEBHOOK_URL: `${webhooks.url}/in-app`,
      },
    });
    await h.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('qa_lead', 'UQA', 'test'), ('support_lead', 'USUPPORT', 'test')`,
    );
  };
  const lastAnswer = () =>
    h.slack.responses.at(-1)?.body as { text: string; blocks?: unknown[]; response_type?: string };

  it('a window six days out sends one T-5d notice on every channel, then the T-2d and T-1d reminders to their owners', async () => {
    // One day passes in one second.
    await boot(86_400);
    const start = new Date(Date.now() + 6 * day);
    await h.client.command(`window ${start.toISOString()} 4h v4.0.0`, { user: users.lead });
    const table = lastAnswer();
    expect(table.response_type).toBe('in_channel');
    expect(JSON.stringify(table.blocks)).toContain('Send maintenance notification');

    const notices = () =>
      h.slack.calls.filter(
        (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('Scheduled maintenance'),
      );
    await waitUntil(() => notices().length >= 3 && mailbox.mails.length >= 1 && webhooks.hooks.length >= 2, {
      timeoutMs: 10_000,
      label: 'the notice on every channel',
    });
    await waitUntil(
      () => h.slack.messages('C_DEPLOY').some((m) => m.text.includes('Prepare rollback resources')),
      { timeoutMs: 15_000, label: 'the T-1d reminder' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(
      notices()
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['C_DEPLOY', 'C_MGMT', 'C_SUPPORT']);
    expect(mailbox.mails).toHaveLength(1);
    const mail = mailbox.mails[0];
    expect(mail?.to.sort()).toEqual(['clinical-staff@example.org', 'it-admins@example.org']);
    expect(mail?.subject).toBe('Scheduled maintenance: Medplum EHR v4.0.0');
    const when = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      month: 'short',
      day: 'numeric',
    }).format(start);
    for (const text of [mail?.body ?? '', String(notices()[0]?.args.text)]) {
      expect(text).toContain(when);
      expect(text).toContain('America/New_York');
      expect(text).toContain('4h');
    }
    expect(webhooks.hooks.filter((hook) => hook.path === '/status')).toHaveLength(1);
    expect(webhooks.hooks.filter((hook) => hook.path === '/in-app')).toHaveLength(1);
    expect(JSON.stringify(webhooks.hooks.find((hook) => hook.path === '/status')?.body)).toContain(
      start.toISOString(),
    );

    const reminders = h.slack
      .messages('C_DEPLOY')
      .filter((m) => !m.thread_ts && m.text.includes(':alarm_clock:'));
    const finalTesting = reminders.find((m) => m.text.includes('Final testing verification'));
    expect(finalTesting?.text).toContain('<@UQA>');
    const rollbackPrep = reminders.find((m) => m.text.includes('Prepare rollback resources'));
    expect(rollbackPrep?.text).toContain('<@ULEAD>');
    expect(rollbackPrep?.text).toMatch(/Version to roll back to: v3\.9\.0 is running now/);
    expect(h.slack.messages('C_SUPPORT').some((m) => m.text.includes('Support briefing'))).toBe(true);

    await h.client.command('schedule', { user: users.stranger });
    const schedule = JSON.stringify(lastAnswer().blocks);
    expect(schedule).toMatch(/Send maintenance notification.*?Done/);
    expect(schedule).toMatch(/Final testing verification.*?In Progress/);
    expect(schedule).toMatch(/Prepare rollback resources.*?Done/);
    expect(schedule).toMatch(/Deploy to 10% \(Stage 1\).*?Not Started/);
  });

  it('pings management at start, at each stage and at the end, while the schedule table follows the deployment', async () => {
    // 24 h of soak in 1.5 s.
    await boot(57_600);
    await h.client.command(`window ${new Date(Date.now() + 6 * day).toISOString()} v4.0.0`, {
      user: users.lead,
    });
    await h.client.command('start v4.0.0', { user: users.lead });
    const root = () =>
      h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
    const promptWith = (actionId: string) =>
      waitUntil(
        () => {
          const r = root();
          return (
            r &&
            h.slack.thread('C_DEPLOY', r.ts).find((m) => buttonsOf(m).some((b) => b.action_id === actionId))
          );
        },
        { timeoutMs: 20_000, label: actionId },
      );
    const click = async (actionId: string, user: string) => {
      const prompt = await promptWith(actionId);
      const value = buttonsOf(prompt).find((b) => b.action_id === actionId)?.value as string;
      await h.client.action(actionId, value, { user, messageTs: prompt.ts });
    };
    const statuses = async () =>
      Object.fromEntries((await listScheduleItems(h.db, 1)).map((item) => [item.itemId, item.status]));

    await h.waitForState(1, 'awaiting_promotion', 20_000);
    expect(await statuses()).toMatchObject({
      begin_window: 'done',
      deploy_stage_1: 'done',
      verify_stage_1: 'done',
      deploy_stage_2: 'not_started',
    });
    await click('stage_promote', users.lead);
    await waitUntil(async () => (await h.deployment(1))?.currentPercent === 50, { label: '50%' });
    expect(await statuses()).toMatchObject({ deploy_stage_2: 'done', verify_stage_2: 'in_progress' });
    await waitUntil(
      () => {
        const r = root();
        return r && h.slack.thread('C_DEPLOY', r.ts).some((m) => m.text.includes('Promote to *100%*'));
      },
      { timeoutMs: 20_000, label: 'second promotion' },
    );
    await click('stage_promote', users.lead);
    await h.waitForState(1, 'success_window', 20_000);
    await click('deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');
    expect(await statuses()).toMatchObject({
      deploy_stage_3: 'done',
      verify_final: 'done',
      declare_complete: 'done',
    });

    const management = () => h.slack.messages('C_MGMT').map((m) => m.text);
    await waitUntil(() => management().length >= 5, { label: 'five milestone pings' });
    const pings = management();
    expect(pings.find((t) => t.includes('started by'))).toBeDefined();
    expect(pings.find((t) => t.includes('Canary is live at 10%'))).toBeDefined();
    expect(pings.find((t) => t.includes('Canary (10%) completed'))).toBeDefined();
    expect(pings.find((t) => t.includes('(50%) completed'))).toBeDefined();
    expect(pings.find((t) => t.includes('is complete'))).toBeDefined();
    await waitUntil(
      () => h.slack.messages('C_SUPPORT').some((m) => m.text.includes('is live for everyone')),
      { label: 'success notification' },
    );
    expect(webhooks.hooks.filter((hook) => hook.path === '/status').length).toBeGreaterThanOrEqual(4);
  });
});
