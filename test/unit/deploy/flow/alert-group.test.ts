import { describe, expect, it } from 'vitest';
import { sendNotification } from '../../../../src/announce/outbox/send-notification.js';
import { acknowledgeAlert } from '../../../../src/deploy/actions/acknowledge-alert.js';
import { monitorMember, raiseAlerts, settleAlerts } from '../../../../src/deploy/flow/alert-group.js';
import type { AfterCommit } from '../../../../src/deploy/intents.js';
import { monitorKey } from '../../../../src/deploy/model/alert-group.js';
import { countAlertsRaisedSince } from '../../../../src/infra/db/alert-groups.js';
import { decidePrompt, getPrompt } from '../../../../src/infra/db/prompts.js';
import type { Plan } from '../../../../src/plan/schema.js';
import {
  auditActions,
  now,
  publishedPrompts,
  runAction,
  runFlow,
  seedDeployment,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture({
  plan: (plan: Plan) => ({
    ...plan,
    monitoring: { ...plan.monitoring, autoRollback: { enabled: true, grace: 600_000 } },
  }),
});

const metric = (id: string) => {
  const found = fx.plan.monitoring.metrics.find((m) => m.id === id);
  if (!found) throw new Error(`no metric ${id}`);
  return found;
};
const breach = (id: string, value = 0.9) =>
  monitorMember(metric(id), { metricId: id, value, status: 'breach' }, 'breach', now, now);
const noData = (id: string) =>
  monitorMember(metric(id), { metricId: id, status: 'unknown', detail: 'no samples' }, 'unknown', now, now);

const refreshes = (later: AfterCommit) => later.followUps.filter((f) => f.kind === 'prompt_refresh');
const alertPrompts = async () =>
  (await fx.db.query(`SELECT id, status, payload FROM prompts WHERE kind = 'alert' ORDER BY id`)).rows;
const autoRollbacks = async () =>
  (await fx.db.query(`SELECT id, status, payload FROM timers WHERE kind = 'auto_rollback' ORDER BY id`)).rows;

describe('grouped alerts', () => {
  it('monitors breached in one poll become one alert with one auto-rollback; a later breach joins it by an edit', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const first = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('error_rate'), breach('cpu')], now),
    );
    expect(publishedPrompts(first.later)).toHaveLength(1);
    expect(first.later.arm).toHaveLength(1);
    const [alert] = await alertPrompts();
    expect(alert.payload.members.map((m: { key: string }) => m.key)).toEqual([
      'monitor:error_rate',
      'monitor:cpu',
    ]);
    expect(alert.payload.message.text).toMatch(/2 monitors in trouble/);

    const joined = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('memory'), breach('cpu')], now),
    );
    expect(joined.result.promptId).toBe(alert.id);
    expect(joined.result.joined.map((m) => m.key)).toEqual(['monitor:memory']);
    // No second message, no second timer: one edit, stored in the outbox so a crash cannot lose it.
    expect(publishedPrompts(joined.later)).toEqual([]);
    expect(joined.later.arm).toEqual([]);
    expect(refreshes(joined.later)).toHaveLength(1);
    const edit = await fx.db.query(
      `SELECT target, message FROM notifications WHERE dedupe_key LIKE 'prompt-refresh:%'`,
    );
    expect(edit.rows).toHaveLength(1);
    expect(edit.rows[0].target).toEqual({ channel: 'C_DEPLOY', refreshesPrompt: alert.id });
    expect(edit.rows[0].message.text).toMatch(/3 monitors in trouble/);
    expect(await autoRollbacks()).toHaveLength(1);
    // The success criteria count monitors, not messages.
    expect(await countAlertsRaisedSince(fx.db, deployment.id, new Date(now.getTime() - 1))).toBe(3);

    // Repeating what is already in trouble changes nothing.
    const repeat = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('memory')], now),
    );
    expect(repeat.later.followUps).toEqual([]);
  });

  it('an edit recorded before the alert reached Slack waits for its post instead of posting a second message', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('error_rate')], now),
    );
    const joined = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('cpu')], now),
    );
    const edit = refreshes(joined.later)[0];
    if (edit?.kind !== 'prompt_refresh') throw new Error('no edit recorded');
    // Rows are due by the database's clock, not the fixture's frozen one.
    const outcome = await sendNotification({ ...fx.deps, clock: () => new Date() }, edit.notificationId);
    expect(outcome).toMatchObject({ outcome: 'wait', reason: 'prompt_unposted' });
    expect(fx.outsideCalls).toEqual([]);
    // The stored message, which the poster (or the reconciler) posts, already lists both.
    const [alert] = await alertPrompts();
    expect(alert.payload.message.text).toMatch(/2 monitors in trouble/);
  });

  it('once the breaches are back the auto-rollback is cancelled; once everything is back the alert closes and the next breach opens a new one', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const { result } = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('error_rate'), noData('cpu')], now),
    );
    const [timer] = await autoRollbacks();

    const partly = await runFlow(fx, deployment.id, (client, later) =>
      settleAlerts(
        client,
        fx.deps,
        later,
        result.promptId,
        [{ key: monitorKey('error_rate'), value: 0.001 }],
        now,
      ),
    );
    expect(partly.result.allBack).toBe(false);
    expect(await timerStatus(fx, timer.id)).toBe('cancelled');
    expect((await getPrompt(fx.db, result.promptId))?.status).toBe('open');

    const clear = await runFlow(fx, deployment.id, (client, later) =>
      settleAlerts(client, fx.deps, later, result.promptId, [{ key: monitorKey('cpu'), value: 0.3 }], now),
    );
    expect(clear.result.allBack).toBe(true);
    expect(refreshes(clear.later)).toHaveLength(1);
    expect(await getPrompt(fx.db, result.promptId)).toMatchObject({
      status: 'decided',
      decision: 'Recovered',
      decidedBy: 'stagecoach',
    });

    const next = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [breach('error_rate')], now),
    );
    expect(next.result.promptId).not.toBe(result.promptId);
    expect(publishedPrompts(next.later)).toHaveLength(1);
  });

  it('an acknowledged alert takes no new members; no data alone arms no auto-rollback', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const { result } = await runFlow(fx, deployment.id, (client, later) =>
      raiseAlerts(client, fx.deps, later, deployment.id, [noData('cpu')], now),
    );
    expect(await autoRollbacks()).toEqual([]);
    const prompt = await getPrompt(fx.db, result.promptId);
    await decidePrompt(fx.db, result.promptId, 'Acknowledged', 'ULEAD');
    await runAction(fx, acknowledgeAlert, deployment, { decision: 'acknowledge_alert' }, prompt);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'alert_acknowledged',
      detail: { members: ['monitor:cpu'] },
    });

    const later = await runFlow(fx, deployment.id, (client, after) =>
      raiseAlerts(client, fx.deps, after, deployment.id, [breach('error_rate')], now),
    );
    expect(later.result.promptId).not.toBe(result.promptId);
    expect((await alertPrompts()).map((p) => p.payload.members.length)).toEqual([1, 1]);
  });
});
