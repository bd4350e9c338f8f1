import type pg from 'pg';
import type { Deployment } from '../../infra/db/deployments.js';
import type { Prompt } from '../../infra/db/prompts.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import type { Decision } from '../model/decisions.js';

export interface DecisionInput {
  decision: Decision;
  userId: string;
  promptId?: number | undefined;
  deploymentId?: number | undefined;
  reason?: string | undefined;
}

export interface DecisionContext {
  deps: DeployDeps;
  input: DecisionInput;
  deployment: Deployment;
  prompt: Prompt | undefined;
  later: AfterCommit;
  /** The stage index whose next stage the person was checked to approve, before the row lock. */
  approvedStageIndex?: number | null | undefined;
}

/**
 * One decision's effect inside the deciding transaction: the prompt is already won and the
 * deployment row locked. Returns the answer for the person; work outside Postgres goes in `later`.
 */
export type DecisionAction = (context: DecisionContext, client: pg.PoolClient) => Promise<string>;

/** "deployment #12 (v4.0.0 → production)", for answers. */
export const describeDeployment = (context: DecisionContext) =>
  `deployment #${context.deployment.id} (${context.deployment.version} → ${context.deployment.environment})`;
