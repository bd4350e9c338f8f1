import type pg from 'pg';
import { goNoGoPrompt, heldPrompt } from '../../announce/blocks/rollout-messages.js';
import { goNoGoButtons, heldButtons } from '../../announce/buttons.js';
import { formatTime } from '../../announce/format.js';
import { pageRoles } from '../../announce/page.js';
import { recordPrompt } from '../../announce/prompts.js';
import { writeAudit } from '../../infra/db/audit.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { decidePrompt, listOpenPrompts } from '../../infra/db/prompts.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { allowedEvents } from '../model/lifecycle.js';
import { startRollback } from './rollback.js';
import { scaledForPeople, scheduleTimer } from './timers.js';

/** The page of a go/no-go deadline passed undecided: resolved by a resume or a rollback. */
export const goNoGoPage = { key: 'go-no-go', kind: 'process' } as const;

const policyText = {
  hold: 'hold the deployment and page the leads',
  proceed: 'proceed and page the leads',
  rollback: 'roll back and page the leads',
} as const;

/**
 * At start: the decision deadline (plan value, 30 minutes by default) and its prompt. None for a
 * dry run: it changes nothing, so there is nothing to go ahead with, and it ends by itself.
 */
export async function scheduleGoNoGo(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  later: AfterCommit,
) {
  if (deployment.dryRun) return;
  const { goNoGo } = deps.plan;
  const timer = await scheduleTimer(client, deps, {
    deploymentId: deployment.id,
    kind: 'go_no_go',
    key: `go-no-go-${deployment.id}`,
    afterMs: goNoGo.after,
    from: deployment.createdAt,
    // A decision people make: a rehearsal's REHEARSAL_DECISION_SCALE keeps it answerable.
    waitsForPeople: true,
  });
  later.arm.push(timer);
  const deadline = new Date(deployment.createdAt.getTime() + scaledForPeople(deps, goNoGo.after));
  // Recorded now, in the transaction: the deadline may come before the message reaches Slack.
  await recordPrompt(client, later, deployment.id, 'go_no_go', (promptId) =>
    goNoGoPrompt({
      deadline,
      timeZone: deps.plan.timezone,
      policy: policyText[goNoGo.onTimeout],
      promptId,
      buttons: goNoGoButtons(promptId),
    }),
  );
}

/** The deadline passed: if nobody decided, the plan's policy applies and the leads are paged. */
export async function applyGoNoGoPolicy(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  later: AfterCommit,
) {
  const [prompt] = await listOpenPrompts(client, deployment.id, 'go_no_go');
  if (!prompt) return;
  const policy = deps.plan.goNoGo.onTimeout;
  // Stored as the prompt's decision (the report reads it too): plain text in the plan's zone.
  const when = formatTime(deps.clock(), deps.plan.timezone);
  const decided = await decidePrompt(
    client,
    prompt.id,
    `No decision by ${when}: ${policyText[policy]} (plan policy)`,
    'stagecoach',
  );
  if (decided) later.followUps.push({ kind: 'show_decided', prompts: [decided] });
  const allowed = allowedEvents(deployment.state);
  let outcome = `the deployment stays ${deployment.state.replaceAll('_', ' ')}`;
  if (policy === 'hold' && allowed.includes('hold')) {
    await applyTransition(client, deps.plan, deployment.id, 'hold', 'stagecoach', {
      detail: { reason: 'go/no-go deadline passed undecided' },
    });
    outcome = 'the deployment is on hold';
    const reason =
      'the go/no-go deadline passed without a decision (plan policy). Resume to go on, or roll back.';
    await recordPrompt(client, later, deployment.id, 'held', (promptId) =>
      heldPrompt({ reason, promptId, buttons: heldButtons(promptId) }),
    );
  } else if (policy === 'rollback' && allowed.includes('rollback')) {
    await startRollback(
      client,
      deps,
      deployment.id,
      'stagecoach',
      'go/no-go deadline passed without a decision',
      later,
    );
    outcome = 'the deployment is rolling back';
  } else if (policy === 'proceed') {
    await writeAudit(client, {
      deploymentId: deployment.id,
      actor: 'stagecoach',
      action: 'go_no_go_proceed',
      detail: { byPolicy: true },
    });
    outcome = 'the deployment proceeds';
  }
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: 'stagecoach',
    action: 'go_no_go_deadline',
    detail: { policy, outcome },
  });
  await pageRoles(
    client,
    deps,
    deployment.id,
    deps.plan.goNoGo.page,
    `go/no-go deadline passed without a decision on deployment #${deployment.id} (${deployment.version} → ${deployment.environment}): ${outcome}. Answer the held prompt in its thread.`,
    later,
    goNoGoPage,
  );
}
