import type { Deployment } from '../infra/db/deployments.js';
import type { DbClient } from '../infra/db/pool.js';
import { listOpenPrompts } from '../infra/db/prompts.js';
import { listAssignments } from '../infra/db/roles.js';
import type { Plan } from '../plan/schema.js';
import { answeringRoles } from './answerers.js';
import { withoutLeadingEmoji } from './blocks/labels.js';
import { mention } from './format.js';

/** What the root message says beyond the steps: the live summary of issue #16. */
export interface RootSummary {
  /** Each stage that went live: when, and who promoted it (absent for the first). */
  stages: {
    name: string;
    percent: number | undefined;
    liveAt: Date;
    promotedBy?: string;
    /** Promoted before its soak ended: why, as the person gave it. */
    earlyReason?: string;
  }[];
  /** Open prompts that wait on someone: what, and on whom (mentions or role names). */
  waiting: { what: string; on: string }[];
  soakEndsAt?: Date;
  lastCheckIn?: { headline: string; answer: string };
  openIssues: { id: number; severity: string; description: string }[];
  rollbackReason?: string;
}

const waitingLabels: Record<string, string> = {
  promotion: 'Promotion to the next stage',
  go_no_go: 'Go/no-go decision',
  held: 'Resume or roll back (held)',
  step_failed: 'A failed step: retry, mark done or roll back',
  step_interrupted: 'An interrupted step: retry, mark done or roll back',
  rollback_failed: 'A failed rollback step: retry',
  restore_database: 'Restore the database or keep it',
  declare_complete: 'Declare the deployment complete',
  alert: 'A metric alert: acknowledge or roll back',
};

/** Reads the summary from Postgres: audit rows, open prompts, timers, check-ins and issues. */
export async function loadRootSummary(
  db: DbClient,
  plan: Plan,
  deployment: Deployment,
): Promise<RootSummary> {
  const audit = await db.query<{
    action: string;
    actor: string;
    detail: Record<string, unknown>;
    createdAt: Date;
  }>(
    `SELECT action, actor, detail, created_at AS "createdAt" FROM audit_log
      WHERE deployment_id = $1 AND action IN ('promote', 'skip_soak', 'steps_done', 'stage_live', 'reached_full', 'rollback')
      ORDER BY id`,
    [deployment.id],
  );
  const stages: RootSummary['stages'] = [];
  let promotedBy: string | undefined;
  let earlyReason: string | undefined;
  let rollbackReason: string | undefined;
  for (const row of audit.rows) {
    if (row.action === 'promote' || row.action === 'skip_soak') {
      promotedBy = row.actor;
      earlyReason = row.action === 'skip_soak' ? String(row.detail.reason ?? '') || undefined : undefined;
    } else if (row.action === 'rollback') rollbackReason = String(row.detail.reason ?? '') || undefined;
    else {
      const stage = plan.stages.find((s) => s.id === row.detail.stage);
      if (!stage) continue;
      stages.push({
        name: stage.name,
        percent: plan.traffic.mode === 'none' ? undefined : stage.percent,
        liveAt: row.createdAt,
        ...(promotedBy ? { promotedBy } : {}),
        ...(earlyReason ? { earlyReason } : {}),
      });
      promotedBy = undefined;
      earlyReason = undefined;
    }
  }

  const assignments = await listAssignments(db);
  const waiting = (await listOpenPrompts(db, deployment.id))
    .filter((prompt) => waitingLabels[prompt.kind])
    .map((prompt) => {
      const roles = answeringRoles(plan, prompt.kind, prompt.payload);
      const people = [...new Set(roles.flatMap((role) => assignments.get(role) ?? []))];
      const names = roles.map((role) => plan.roles.find((r) => r.id === role)?.name ?? role).join(' or ');
      const on =
        people.length > 0 ? people.map(mention).join(' ') : names ? `${names} (nobody holds it)` : 'the team';
      return { what: waitingLabels[prompt.kind] as string, on };
    });

  const soak = await db.query<{ fireAt: Date }>(
    `SELECT fire_at AS "fireAt" FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND status = 'pending'
      ORDER BY fire_at LIMIT 1`,
    [deployment.id],
  );
  const checkIn = await db.query<{
    text: string | null;
    status: string;
    decision: string | null;
    decidedBy: string | null;
  }>(
    `SELECT payload->'message'->>'text' AS text, status, decision, decided_by AS "decidedBy" FROM prompts
      WHERE deployment_id = $1 AND kind = 'check_in' ORDER BY id DESC LIMIT 1`,
    [deployment.id],
  );
  const latest = checkIn.rows[0];
  const issues = await db.query<{ id: number; severity: string; description: string }>(
    `SELECT id::int, severity, description FROM issues WHERE deployment_id = $1 AND status = 'open' ORDER BY id`,
    [deployment.id],
  );
  return {
    stages,
    waiting,
    ...(soak.rows[0] ? { soakEndsAt: soak.rows[0].fireAt } : {}),
    ...(latest?.text
      ? {
          lastCheckIn: {
            headline: withoutLeadingEmoji(latest.text.split('\n')[0] ?? '').replaceAll('*', ''),
            answer:
              latest.status === 'open'
                ? 'waiting for an answer'
                : latest.decidedBy && latest.decidedBy !== 'stagecoach'
                  ? `${latest.decision ?? 'answered'} by ${mention(latest.decidedBy)}`
                  : 'not answered',
          },
        }
      : {}),
    openIssues: issues.rows,
    ...(rollbackReason ? { rollbackReason } : {}),
  };
}
