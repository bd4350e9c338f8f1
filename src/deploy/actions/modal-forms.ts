import { plainStateLabel } from '../../announce/blocks/labels.js';
import {
  type ModalContext,
  type ModalId,
  type modalFields,
  modalIds,
  promoteEarlyModal,
  reportIssueModal,
  resolveIssueModal,
  resumeModal,
  rollbackModal,
} from '../../announce/blocks/modals.js';
import { formatTime, mention, slackTime } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { type Deployment, getDeployment } from '../../infra/db/deployments.js';
import { getPrompt } from '../../infra/db/prompts.js';
import { listTimers } from '../../infra/db/timers.js';
import type { DeployDeps } from '../../ports.js';
import { actionIds } from '../model/action-ids.js';
import { decide } from './decide.js';
import { reportIssue } from './report-issue.js';

export { type ModalId, modalFields, modalIds, modalInputAction } from '../../announce/blocks/modals.js';

/** The buttons that ask for words first: each opens its modal instead of deciding at once. */
export const modalButtons = {
  [actionIds.reportIssue]: modalIds.reportIssue,
  [actionIds.rollback]: modalIds.rollback,
  [actionIds.resume]: modalIds.resume,
  [actionIds.resolveIssue]: modalIds.resolveIssue,
  [actionIds.skipSoak]: modalIds.promoteEarly,
} as const satisfies Record<string, ModalId>;

/**
 * The modal a click opens, for a prompt that is still open: a decided one is refused at once
 * (with who decided), so nobody fills in a form that cannot count.
 */
export async function modalForClick(
  deps: Pick<DeployDeps, 'db' | 'plan'>,
  modal: ModalId,
  promptId: number,
): Promise<Record<string, unknown>> {
  const prompt = await getPrompt(deps.db, promptId);
  if (!prompt) throw new AppError('not_found', 'That prompt no longer exists.');
  // A check-in may be reported on after it was answered; every other prompt must still be open.
  if (prompt.status !== 'open' && modal !== modalIds.reportIssue) {
    const who =
      prompt.decidedBy && prompt.decidedBy !== 'stagecoach' ? mention(prompt.decidedBy) : 'Stagecoach';
    const when = prompt.decidedAt ? ` at ${formatTime(prompt.decidedAt, deps.plan.timezone)}` : '';
    throw new AppError(
      'conflict',
      `Already decided: ${prompt.decision ?? 'closed'} by ${who}${when}. Nothing changed.`,
    );
  }
  const deployment = await getDeployment(deps.db, prompt.deploymentId);
  if (!deployment) throw new AppError('not_found', 'That deployment is gone.');
  const context: ModalContext = { promptId, deploymentId: deployment.id };
  const name = `#${deployment.id} (${deployment.version} → ${deployment.environment})`;
  switch (modal) {
    case modalIds.reportIssue:
      return reportIssueModal(context, name);
    case modalIds.rollback:
      return rollbackModal(context, name, deployment.previousVersion);
    case modalIds.resume:
      return resumeModal(context, name);
    case modalIds.resolveIssue: {
      const issue = await deps.db.query<{ description: string }>(
        'SELECT description FROM issues WHERE id = $1',
        [Number(prompt.payload.issueId)],
      );
      return resolveIssueModal(context, issue.rows[0]?.description ?? 'the reported issue');
    }
    case modalIds.promoteEarly:
      return promoteEarlyForm(deps, context, deployment, name);
  }
}

/** The early-promotion form, for a deployment still soaking the stage whose message was clicked. */
async function promoteEarlyForm(
  deps: Pick<DeployDeps, 'db' | 'plan'>,
  context: ModalContext,
  deployment: Deployment,
  name: string,
) {
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const next = deps.plan.stages[(deployment.stageIndex ?? 0) + 1];
  if (deployment.state !== 'soaking' || !stage || !next) {
    throw new AppError(
      'conflict',
      `Deployment ${name} is ${plainStateLabel(deployment.state).toLowerCase()}: there is no soak to cut short.`,
    );
  }
  const soak = (await listTimers(deps.db, deployment.id))
    .filter((timer) => timer.kind === 'soak_end' && timer.status === 'pending')
    .at(-1);
  return promoteEarlyModal(context, {
    deployment: name,
    stage: stage.name,
    to: deps.plan.traffic.mode === 'none' ? next.name : `${next.percent}% (${next.name})`,
    soakEnds: soak ? slackTime(soak.fireAt, deps.plan.timezone) : undefined,
  });
}

/** What a person typed and chose in a modal, by input block. */
export interface ModalValues {
  severity?: string | undefined;
  text?: string | undefined;
}

/** A form's problem, shown under the input it concerns (Slack's response_action "errors"). */
export class FormError extends Error {
  constructor(
    readonly field: keyof typeof modalFields,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A submitted modal, with the same checks as the button or command it stands for. Returns the
 * answer; throws FormError for a bad field and AppError for a refusal.
 */
export async function submitModal(
  deps: DeployDeps,
  modal: ModalId,
  context: ModalContext,
  values: ModalValues,
  userId: string,
): Promise<string> {
  const text = values.text?.trim() ?? '';
  if (text === '') throw new FormError('text', 'Write a few words: they go to the audit log and the report.');
  switch (modal) {
    case modalIds.reportIssue: {
      const severity = values.severity;
      if (severity !== 'critical' && severity !== 'major' && severity !== 'minor')
        throw new FormError('severity', 'Choose a severity: critical, major or minor.');
      return reportIssue(deps, { severity, description: text, userId, deploymentId: context.deploymentId });
    }
    case modalIds.rollback:
      return decide(deps, { decision: 'rollback', userId, promptId: context.promptId, reason: text });
    case modalIds.resume:
      return decide(deps, { decision: 'resume', userId, promptId: context.promptId, reason: text });
    case modalIds.resolveIssue:
      return decide(deps, { decision: 'resolve_issue', userId, promptId: context.promptId, reason: text });
    // The checks of `/deploy approve --skip-soak`: role, the next stage's approvers, four eyes, still soaking.
    case modalIds.promoteEarly:
      return decide(deps, { decision: 'skip_soak', userId, promptId: context.promptId, reason: text });
  }
}

/** The context a modal was opened with, or undefined when it is not ours or is malformed. */
export function parseModalContext(raw: string): ModalContext | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<ModalContext>;
    return Number.isSafeInteger(parsed.promptId) && Number.isSafeInteger(parsed.deploymentId)
      ? { promptId: parsed.promptId as number, deploymentId: parsed.deploymentId as number }
      : undefined;
  } catch {
    return undefined;
  }
}
