import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchNotifications } from '../../src/announce/outbox/dispatch-notifications.js';
import {
  enqueueNotification,
  type NotificationInput,
} from '../../src/announce/outbox/enqueue-notification.js';
import { recoverNotifications } from '../../src/announce/outbox/recover-notifications.js';
import { getNotificationByKey, listNotifications } from '../../src/infra/db/notifications.js';
import { messageIdFor } from '../../src/infra/notify/email-notifier.js';
import { type Harness, startHarness } from '../support/harness.js';
import { startMailbox, startWebhooks } from '../support/outbound-receivers.js';
import { waitUntil } from '../support/wait.js';

describe('the outbox', () => {
  let h: Harness;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;

  beforeAll(async () => {
    mailbox = await startMailbox();
    webhooks = await startWebhooks();
    // Only the start-up reconcile: these tests call recoverNotifications themselves and count what it did.
    h = await startHarness({
      reconcileIntervalMs: 3_600_000,
      env: {
        SMTP_URL: mailbox.url,
        NOTIFY_EMAILS: 'ops@example.com,lead@example.com',
        STATUS_WEBHOOK_URL: `${webhooks.url}/status`,
        INAPP_WEBHOOK_URL: `${webhooks.url}/inapp`,
      },
    });
  });

  afterAll(async () => {
    await h?.runtime.queues.notify.obliterate({ force: true }).catch(() => undefined);
    await h?.close();
    await mailbox?.close();
    await webhooks?.close();
  });

  /** What a service does: record in the transaction, dispatch after COMMIT. */
  const send = async (input: NotificationInput) => {
    const notification = await enqueueNotification(h.db, input, h.runtime.deps);
    await dispatchNotifications(h.runtime.deps, [notification]);
    return notification;
  };
  const slackTexts = (channel: string) => h.slack.messages(channel).map((m) => m.text);
  const hooksTo = (path: string, key: string) =>
    webhooks.hooks.filter((hook) => hook.path === path && hook.body.dedupeKey === key);
  const mailsWith = (key: string) => mailbox.mails.filter((mail) => mail.messageId === messageIdFor(key));
  const statusOf = async (key: string) => (await getNotificationByKey(h.db, key))?.status;

  it('delivers a notification enqueued twice once on every channel', async () => {
    const inputs: NotificationInput[] = [
      {
        dedupeKey: 'once:slack',
        channel: 'slack',
        target: { channel: 'C_ONCE' },
        message: { text: 'Deployment v4.0.0 starts at 22:00' },
      },
      {
        dedupeKey: 'once:email',
        channel: 'email',
        target: {},
        message: { subject: 'v4.0.0 tonight', text: 'Deployment v4.0.0 starts at 22:00' },
      },
      {
        dedupeKey: 'once:status',
        channel: 'status_page',
        target: {},
        message: {
          text: 'Maintenance tonight',
          statusPage: {
            name: 'EHR v4.0.0',
            status: 'scheduled',
            body: 'Maintenance tonight',
            scheduledFor: '2030-01-01T22:00:00.000Z',
            scheduledUntil: '2030-01-02T00:00:00.000Z',
          },
        },
      },
      {
        dedupeKey: 'once:inapp',
        channel: 'in_app',
        target: {},
        message: { text: 'Maintenance tonight at 22:00' },
      },
    ];
    for (const input of inputs) {
      const first = await send(input);
      const second = await send(input);
      expect(first?.dedupeKey).toBe(input.dedupeKey);
      expect(second).toBeUndefined();
      // A dispatch repeated by a retry or the reconciler adds nothing either.
      await dispatchNotifications(h.runtime.deps, [first]);
    }

    await waitUntil(
      async () => (await Promise.all(inputs.map((i) => statusOf(i.dedupeKey)))).every((s) => s === 'sent'),
      {
        label: 'every channel to be sent',
      },
    );
    await sleep(500);
    expect(slackTexts('C_ONCE')).toEqual(['Deployment v4.0.0 starts at 22:00']);
    expect(mailsWith('once:email')).toHaveLength(1);
    expect(mailsWith('once:email')[0]).toMatchObject({
      to: ['ops@example.com', 'lead@example.com'],
      subject: 'v4.0.0 tonight',
    });
    const [status] = hooksTo('/status', 'once:status');
    expect(hooksTo('/status', 'once:status')).toHaveLength(1);
    expect(status?.headers['idempotency-key']).toBe('once:status');
    expect(status?.body).toMatchObject({
      name: 'EHR v4.0.0',
      status: 'scheduled',
      scheduledFor: '2030-01-01T22:00:00.000Z',
    });
    expect(hooksTo('/inapp', 'once:inapp')).toHaveLength(1);
    expect((await getNotificationByKey(h.db, 'once:slack'))?.externalId).toBe(
      h.slack.messages('C_ONCE')[0]?.ts,
    );
  });

  it('sends nothing twice across a restart in the middle', async () => {
    const soon = () => new Date(Date.now() + 1_500);
    await send({
      dedupeKey: 'restart:a',
      channel: 'slack',
      target: { channel: 'C_RESTART' },
      message: { text: 'a: before the restart' },
    });
    await send({
      dedupeKey: 'restart:b',
      channel: 'slack',
      target: { channel: 'C_RESTART' },
      message: { text: 'b: due after it' },
      sendAfter: soon(),
    });
    await send({
      dedupeKey: 'restart:mail',
      channel: 'email',
      target: {},
      message: { text: 'mail due after it' },
      sendAfter: soon(),
    });
    await send({
      dedupeKey: 'restart:inapp',
      channel: 'in_app',
      target: {},
      message: { text: 'notice due after it' },
      sendAfter: soon(),
    });
    // Recorded, but the process "died" between COMMIT and the dispatch.
    await enqueueNotification(h.db, {
      dedupeKey: 'restart:undispatched',
      channel: 'slack',
      target: { channel: 'C_RESTART_LOST' },
      message: { text: 'never dispatched' },
    });
    // Its sender died after Slack answered and the ts was kept: it must not be posted again.
    const answered = await enqueueNotification(h.db, {
      dedupeKey: 'restart:answered',
      channel: 'slack',
      target: { channel: 'C_RESTART_ANSWERED' },
      message: { text: 'already in Slack' },
    });
    await h.db.query(
      `UPDATE notifications SET status = 'sending', claimed_at = now() - interval '2 minutes', external_id = '1699999999.000100' WHERE id = $1`,
      [answered?.id],
    );
    // Its sender died before Slack answered: a Slack repeat is harmless, a loss is not, so it is resent.
    const cutOff = await enqueueNotification(h.db, {
      dedupeKey: 'restart:cut-off',
      channel: 'slack',
      target: { channel: 'C_RESTART_CUT' },
      message: { text: 'cut off mid-send' },
    });
    await h.db.query(
      `UPDATE notifications SET status = 'sending', claimed_at = now() - interval '2 minutes' WHERE id = $1`,
      [cutOff?.id],
    );

    await h.slack.waitFor(() => slackTexts('C_RESTART').length === 1, { label: 'the first message' });
    // The restart's own reconcile recovers what the "dead" process left behind.
    await h.restart();

    await waitUntil(
      async () =>
        (
          await Promise.all(
            ['restart:b', 'restart:mail', 'restart:inapp', 'restart:undispatched', 'restart:cut-off'].map(
              statusOf,
            ),
          )
        ).every((s) => s === 'sent'),
      { label: 'the notifications due after the restart' },
    );
    // The reconciler runs again later: nothing is left for it to send.
    expect(await recoverNotifications(h.runtime.deps)).toEqual({
      confirmed: 0,
      resent: 0,
      abandoned: 0,
      redispatched: 0,
    });
    await sleep(500);
    expect(slackTexts('C_RESTART')).toEqual(['a: before the restart', 'b: due after it']);
    expect(slackTexts('C_RESTART_LOST')).toEqual(['never dispatched']);
    expect(slackTexts('C_RESTART_ANSWERED')).toEqual([]);
    expect(slackTexts('C_RESTART_CUT')).toEqual(['cut off mid-send']);
    expect(await statusOf('restart:answered')).toBe('sent');
    expect(mailsWith('restart:mail')).toHaveLength(1);
    expect(hooksTo('/inapp', 'restart:inapp')).toHaveLength(1);
  });

  it('waits out Slack rate limits without losing or reordering messages', async () => {
    h.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 3 });
    const texts = ['first', 'second', 'third'];
    for (const text of texts) {
      await send({
        dedupeKey: `limited:${text}`,
        channel: 'slack',
        target: { channel: 'C_LIMITED' },
        message: { text },
      });
    }

    await h.slack.waitFor(() => slackTexts('C_LIMITED').length === 3, {
      label: 'all three messages',
      timeoutMs: 25_000,
    });
    await sleep(300);
    expect(slackTexts('C_LIMITED')).toEqual(texts);
    const refused = h.slack.rejected.filter((call) => call.args.channel === 'C_LIMITED');
    expect(refused).toHaveLength(3);
    // The queue never jumped ahead: every refusal was of the first message.
    expect(refused.map((call) => call.args.text)).toEqual(['first', 'first', 'first']);
    const accepted = h.slack.callsOf('chat.postMessage').filter((call) => call.args.channel === 'C_LIMITED');
    expect(accepted[0]?.at).toBeGreaterThanOrEqual((refused.at(-1)?.at ?? 0) + 1_000);
    // A rate limit is a wait, not a failure: no attempt was used up.
    const rows = (await listNotifications(h.db)).filter((n) => n.dedupeKey.startsWith('limited:'));
    expect(rows.map((n) => [n.status, n.attempts])).toEqual([
      ['sent', 0],
      ['sent', 0],
      ['sent', 0],
    ]);
  });

  it('collapses reminders that went stale during an outage into one message', async () => {
    // Recorded over the last hour while nothing could send (Redis down, every worker stopped).
    const hourAgo = Date.now() - 3_600_000;
    for (let i = 0; i < 5; i++) {
      await enqueueNotification(h.db, {
        dedupeKey: `stale:${i}`,
        channel: 'slack',
        target: { channel: 'C_STALE' },
        message: { text: `Soak check ${i + 1} is due` },
        sendAfter: new Date(hourAgo + i * 60_000),
        collapseGroup: 'soak-reminders',
        staleAfterMs: 5 * 60_000,
      });
    }
    // A reminder of the same group that is on time is still sent on its own, after the summary.
    await enqueueNotification(h.db, {
      dedupeKey: 'stale:fresh',
      channel: 'slack',
      target: { channel: 'C_STALE' },
      message: { text: 'Soak check 6 is due' },
      collapseGroup: 'soak-reminders',
      staleAfterMs: 5 * 60_000,
    });
    // Sending resumes: the reconciler finds the rows without jobs.
    expect(await recoverNotifications(h.runtime.deps)).toMatchObject({ redispatched: 6 });

    await h.slack.waitFor(() => slackTexts('C_STALE').length === 2, {
      label: 'the summary and the fresh reminder',
    });
    await sleep(500);
    const [summary, fresh] = slackTexts('C_STALE');
    expect(slackTexts('C_STALE')).toHaveLength(2);
    expect(summary).toMatch(/^While Stagecoach could not send, 5 reminders were missed:/);
    for (let i = 1; i <= 5; i++) expect(summary).toContain(`Soak check ${i} is due`);
    expect(fresh).toBe('Soak check 6 is due');
    const rows = (await listNotifications(h.db)).filter((n) => n.dedupeKey.startsWith('stale:'));
    const sent = rows.filter((n) => n.status === 'sent' && n.dedupeKey !== 'stale:fresh');
    expect(sent).toHaveLength(1);
    expect(rows.filter((n) => n.status === 'collapsed').map((n) => n.collapsedInto)).toEqual([
      sent[0]?.id,
      sent[0]?.id,
      sent[0]?.id,
      sent[0]?.id,
    ]);
  });
});
