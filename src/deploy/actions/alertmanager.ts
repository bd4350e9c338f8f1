import { z } from 'zod';
import { alertButtons } from '../../announce/blocks/alert-message.js';
import { linksBlock } from '../../announce/blocks/links.js';
import { note } from '../../announce/blocks/rollout-messages.js';
import { pageRoles, resolvePage } from '../../announce/page.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import { writeAudit } from '../../infra/db/audit.js';
import { getDeployment, listActiveDeployments } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import { actions, section } from '../../infra/slack/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { leadsToPage } from '../authorize.js';

/** Alertmanager's webhook payload, version 4 (the fields Stagecoach reads). */
export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string(),
        fingerprint: z.string().min(1),
        generatorURL: z.string().optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;

export interface AlertmanagerOutcome {
  posted: number;
  resolved: number;
  repeated: number;
  unmatched: number;
}

const alertmanagerPage = { key: 'alertmanager', kind: 'metric' } as const;

/**
 * Alerts from the team's own Alertmanager: a firing alert whose environment label names an
 * active deployment's environment becomes an alert in its thread with [Roll back] [Acknowledge]
 * (once per fingerprint: Alertmanager repeats firing alerts), and pages like a breached monitor;
 * a resolved one is noted. An alert matching no deployment is counted, never an error.
 */
export async function receiveAlerts(
  deps: DeployDeps,
  payload: AlertmanagerPayload,
): Promise<AlertmanagerOutcome> {
  const label = deps.plan.alertmanager.environmentLabel;
  const active = await listActiveDeployments(deps.db);
  const outcome: AlertmanagerOutcome = { posted: 0, resolved: 0, repeated: 0, unmatched: 0 };
  for (const alert of payload.alerts) {
    const deployment = active.find((d) => d.environment === alert.labels[label] && !d.dryRun);
    if (!deployment) {
      outcome.unmatched++;
      continue;
    }
    const name = alert.labels.alertname ?? 'alert';
    const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
    const later = afterCommit();
    const result = await inTransaction(deps.db, async (client) => {
      const current = await getDeployment(client, deployment.id, { forUpdate: true });
      if (!current) return 'unmatched' as const;
      const seen = await client.query<{ id: number; status: string }>(
        `SELECT id, status FROM prompts WHERE deployment_id = $1 AND kind = 'alert' AND payload->>'fingerprint' = $2
          ORDER BY id DESC LIMIT 1`,
        [current.id, alert.fingerprint],
      );
      const open = seen.rows[0];
      if (alert.status === 'firing') {
        if (open && open.status === 'open') return 'repeated' as const;
        const text = `:rotating_light: Alertmanager: *${name}* is firing on ${current.environment}${summary ? `: ${summary}` : ''}`;
        await recordPrompt(
          client,
          later,
          current.id,
          'alert',
          (promptId) => {
            const links = linksBlock(deps.plan.links, current);
            return {
              text: text.replaceAll('*', ''),
              blocks: [
                section(text),
                ...(alert.generatorURL ? [section(`<${alert.generatorURL}|Open the alert's source>`)] : []),
                actions(`prompt-${promptId}`, alertButtons(promptId, false)),
                ...(links ? [links] : []),
              ],
            };
          },
          { fingerprint: alert.fingerprint, source: 'alertmanager', alertname: name },
        );
        await writeAudit(client, {
          deploymentId: current.id,
          actor: 'alertmanager',
          action: 'external_alert',
          detail: { alertname: name, fingerprint: alert.fingerprint, status: 'firing' },
        });
        const lead = leadsToPage(deps.plan, 'rollback');
        await pageRoles(
          client,
          deps,
          current.id,
          lead,
          `Alertmanager: ${name} is firing on deployment #${current.id} (${current.version} → ${current.environment}). See the alert in the thread.`,
          later,
          alertmanagerPage,
        );
        return 'posted' as const;
      }
      if (!open) return 'unmatched' as const;
      await noteInThread(
        client,
        later,
        current.id,
        note(`:large_green_circle: Alertmanager: *${name}* resolved.`),
      );
      await writeAudit(client, {
        deploymentId: current.id,
        actor: 'alertmanager',
        action: 'external_alert',
        detail: { alertname: name, fingerprint: alert.fingerprint, status: 'resolved' },
      });
      const stillFiring = await client.query(
        `SELECT 1 FROM prompts p WHERE deployment_id = $1 AND kind = 'alert' AND payload->>'source' = 'alertmanager'
           AND status = 'open' AND payload->>'fingerprint' <> $2`,
        [current.id, alert.fingerprint],
      );
      if ((stillFiring.rowCount ?? 0) === 0)
        await resolvePage(
          client,
          deps,
          current.id,
          alertmanagerPage,
          `Alertmanager: ${name} resolved`,
          later,
        );
      return 'resolved' as const;
    });
    await runAfterCommit(deps, later);
    outcome[result]++;
  }
  return outcome;
}
