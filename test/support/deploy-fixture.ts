import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type {
  DecisionAction,
  DecisionContext,
  DecisionInput,
} from '../../src/deploy/actions/decision-context.js';
import { type AfterCommit, afterCommit } from '../../src/deploy/intents.js';
import type { DeploymentState } from '../../src/deploy/model/lifecycle.js';
import type { PromptKind } from '../../src/deploy/model/prompt-kinds.js';
import type { TimerKind } from '../../src/deploy/model/timer-kinds.js';
import { type Deployment, getDeployment, insertDeployment } from '../../src/infra/db/deployments.js';
import { migrate } from '../../src/infra/db/migrate.js';
import { createPool, inTransaction } from '../../src/infra/db/pool.js';
import { insertPrompt, type Prompt } from '../../src/infra/db/prompts.js';
import { getStepRun, insertStepRun, type StepRun, type StepStatus } from '../../src/infra/db/step-runs.js';
import { insertTimer, type Timer } from '../../src/infra/db/timers.js';
import type { Queues } from '../../src/infra/queue/queues.js';
import type { Messenger } from '../../src/infra/slack/messenger.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import type { DeployDeps } from '../../src/ports.js';
import { adminDatabaseUrl } from './databases.js';

/**
 * Runs actions and flows inside a real Postgres transaction and hands back the intents they
 * recorded. Redis and Slack are stand-ins that throw when touched: an action that reaches for them
 * inside its transaction fails its test.
 */

export const users = { lead: 'ULEAD', dba: 'UDBA', project: 'UPROJECT', stranger: 'USTRANGER' } as const;

/** Saturday 7 June 2025, 10:00 in New York: every clock reading in these tests. */
export const now = new Date('2025-06-07T14:00:00.000Z');
export const hour = 3600_000;

export interface DeployFixture {
  deps: DeployDeps;
  db: pg.Pool;
  plan: Plan;
  /** Every call that reached the Redis or Slack stand-ins (each also threw). */
  outsideCalls: string[];
}

/** A proxy that records and throws on any call, however deep the property path (`queues.timers.add`). */
function refusing<T>(name: string, calls: string[]): T {
  const handler: ProxyHandler<() => void> = {
    get(_target, property) {
      if (typeof property === 'symbol' || property === 'then') return undefined;
      return refusing(`${name}.${property}`, calls);
    },
    apply() {
      calls.push(name);
      throw new Error(`${name}() was called inside the transaction: that is runAfterCommit's job`);
    },
  };
  return new Proxy(() => undefined, handler) as T;
}

/**
 * Registers the hooks of a test file: a database of its own (created and migrated once, dropped
 * at the end), emptied before each test with the plan's roles assigned.
 */
export function useDeployFixture(options: { plan?: (plan: Plan) => Plan } = {}): DeployFixture {
  const suffix = process.env.STAGECOACH_TEST_RUN ?? 'local';
  // Files may share a worker process: each gets a database of its own.
  const name = `stagecoach_unit_intents_${suffix}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const fixture = {} as DeployFixture;
  let admin: pg.Client | undefined;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminDatabaseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminDatabaseUrl);
    url.pathname = `/${name}`;
    // The app's own pool: its lock_timeout turns a lock wait (e.g. a second connection blocked by
    // the transaction's own row lock) into an error within seconds instead of a hang.
    const db = createPool(url.toString(), () => undefined, 4);
    await migrate(db);
    const basePlan = loadPlan('templates/plans/medplum-v4.yaml');
    const plan = options.plan ? options.plan(basePlan) : basePlan;
    const outsideCalls: string[] = [];
    const messenger = refusing<Messenger>('messenger', outsideCalls);
    const queues = refusing<Queues>('queues', outsideCalls);
    const deps: DeployDeps = {
      db,
      plan,
      queues,
      messenger,
      clock: () => new Date(now),
      log: createLogger('silent'),
      settings: {
        workspaceDir: '/nonexistent/workspace',
        backupDir: '/nonexistent/backups',
        appLogFile: '/nonexistent/app.log',
        timeScale: 1,
        adminUserIds: [],
        channels: { deployment: 'C_DEPLOY', management: 'C_MGMT', support: 'C_SUPPORT' },
        secrets: [],
        stepEnv: {},
      },
    };
    Object.assign(fixture, { deps, db, plan, outsideCalls });
  });

  beforeEach(async () => {
    fixture.outsideCalls.length = 0;
    await fixture.db.query(
      `TRUNCATE deployments, step_runs, audit_log, role_assignments, environment_locks, timers, prompts,
         notifications, issues, documentation_updates, maintenance_windows RESTART IDENTITY CASCADE`,
    );
    await fixture.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES
       ('deployment_lead', $1, 'test'), ('database_admin', $2, 'test'), ('project_lead', $3, 'test')`,
      [users.lead, users.dba, users.project],
    );
  });

  afterAll(async () => {
    await fixture.db?.end();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  });

  return fixture;
}

export interface Seed {
  state: DeploymentState;
  /** The stage whose traffic is live; null before the first shift. */
  stageIndex?: number | null;
  /** Defaults to the stage's percentage (0 before the first stage). */
  currentPercent?: number;
  /** When the stage's soak began; defaults to six hours before `now` once a stage is live. */
  stageStartedAt?: Date;
  heldFrom?: DeploymentState;
  backupFile?: string;
  schemaChanged?: boolean;
  /** How many plan steps, in order, have succeeded; the rest are pending. Defaults to all once a stage is live. */
  stepsSucceeded?: number;
  /** Started with `--dry-run`. */
  dryRun?: boolean;
}

/** A production deployment of v4.0.0 (from v3.9.0) in the given state, with its plan steps recorded. */
export async function seedDeployment(fixture: DeployFixture, seed: Seed): Promise<Deployment> {
  const { db, plan } = fixture;
  const created = await insertDeployment(db, {
    environment: 'production',
    version: 'v4.0.0',
    previousVersion: 'v3.9.0',
    startedBy: users.lead,
    channelId: 'C_DEPLOY',
    dryRun: seed.dryRun ?? false,
    planName: plan.name,
  });
  const stageIndex = seed.stageIndex ?? null;
  const live = stageIndex !== null;
  const succeeded = seed.stepsSucceeded ?? (live ? plan.steps.length : 0);
  for (const [index, step] of plan.steps.entries()) {
    const run = await insertStepRun(db, {
      deploymentId: created.id,
      stepId: step.id,
      stepName: step.name,
      phase: step.phase,
      position: index + 1,
      attempt: 1,
    });
    if (index < succeeded) await finishRun(fixture, run.id, 'succeeded');
  }
  await db.query(
    `UPDATE deployments SET state = $2, stage_index = $3, current_percent = $4, stage_started_at = $5,
       held_from = $6, backup_file = $7, schema_changed = $8, created_at = $9
     WHERE id = $1`,
    [
      created.id,
      seed.state,
      stageIndex,
      seed.currentPercent ?? (live ? (plan.stages[stageIndex]?.percent ?? 0) : 0),
      seed.stageStartedAt ?? (live ? new Date(now.getTime() - 6 * hour) : null),
      seed.heldFrom ?? null,
      seed.backupFile ?? null,
      seed.schemaChanged ?? false,
      new Date(now.getTime() - 2 * hour),
    ],
  );
  return (await getDeployment(db, created.id)) as Deployment;
}

/** Sets a run's outcome directly, as the runner would have recorded it. */
export async function finishRun(
  fixture: DeployFixture,
  runId: number,
  status: StepStatus,
  summary: string = status,
) {
  await fixture.db.query(
    `UPDATE step_runs SET status = $2, summary = $3, started_at = now(), finished_at = now(),
       exit_code = CASE WHEN $2 = 'failed' THEN 1 ELSE NULL END
     WHERE id = $1`,
    [runId, status, summary],
  );
  return (await getStepRun(fixture.db, runId)) as StepRun;
}

/** The latest run of a step of a deployment. */
export async function runOf(fixture: DeployFixture, deploymentId: number, stepId: string): Promise<StepRun> {
  const result = await fixture.db.query<{ id: number }>(
    'SELECT id FROM step_runs WHERE deployment_id = $1 AND step_id = $2 ORDER BY attempt DESC LIMIT 1',
    [deploymentId, stepId],
  );
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error(`no run of ${stepId}`);
  return (await getStepRun(fixture.db, id)) as StepRun;
}

/** Adds a run outside the plan's steps (a traffic shift, a rollback step) with its outcome. */
export async function addRun(
  fixture: DeployFixture,
  deploymentId: number,
  run: { stepId: string; stepName?: string; phase: string; position: number; attempt?: number },
  status: StepStatus,
): Promise<StepRun> {
  const inserted = await insertStepRun(fixture.db, {
    deploymentId,
    stepId: run.stepId,
    stepName: run.stepName ?? run.stepId,
    phase: run.phase,
    position: run.position,
    attempt: run.attempt ?? 1,
  });
  return status === 'pending' ? inserted : finishRun(fixture, inserted.id, status);
}

export async function addTimer(
  fixture: DeployFixture,
  deploymentId: number,
  timer: { kind: TimerKind; key: string; fireAt?: Date; payload?: Record<string, unknown> },
  status: Timer['status'] = 'pending',
): Promise<Timer> {
  const inserted = await insertTimer(fixture.db, {
    deploymentId,
    kind: timer.kind,
    key: timer.key,
    fireAt: timer.fireAt ?? new Date(now.getTime() + hour),
    payload: timer.payload ?? {},
  });
  if (!inserted) throw new Error(`timer ${timer.key} exists`);
  if (status !== 'pending')
    await fixture.db.query(
      `UPDATE timers SET status = $2, fired_at = CASE WHEN $2 = 'fired' THEN now() END WHERE id = $1`,
      [inserted.id, status],
    );
  return { ...inserted, status };
}

export async function addPrompt(
  fixture: DeployFixture,
  deploymentId: number,
  kind: PromptKind,
  payload: Record<string, unknown> = {},
): Promise<Prompt> {
  return insertPrompt(fixture.db, { deploymentId, kind, channelId: 'C_DEPLOY', payload });
}

export interface Outcome<T> {
  later: AfterCommit;
  result: T;
  /** The deployment as committed. */
  after: Deployment;
}

/**
 * Runs one decision's action as `decide` does once the prompt is won: in one transaction, with the
 * deployment row locked. The lead decides unless `input.userId` says otherwise; approvers were
 * checked for the stage `deployment` was at (decide's `approvedStageIndex`) unless `context` says otherwise.
 */
export async function runAction(
  fixture: DeployFixture,
  action: DecisionAction,
  deployment: Deployment,
  input: Partial<DecisionInput> & Pick<DecisionInput, 'decision'>,
  prompt?: Prompt,
  context: Pick<DecisionContext, 'approvedStageIndex'> = { approvedStageIndex: deployment.stageIndex },
): Promise<Outcome<string>> {
  return runFlow(fixture, deployment.id, async (client, later) => {
    const locked = (await getDeployment(client, deployment.id, { forUpdate: true })) as Deployment;
    return action(
      {
        deps: fixture.deps,
        input: { userId: users.lead, deploymentId: deployment.id, ...input },
        deployment: locked,
        prompt,
        later,
        ...context,
      },
      client,
    );
  });
}

/** Runs flow code in one transaction with a fresh `later`, as a timer or a step runner would. */
export async function runFlow<T>(
  fixture: DeployFixture,
  deploymentId: number,
  work: (client: pg.PoolClient, later: AfterCommit) => Promise<T>,
): Promise<Outcome<T>> {
  const later = afterCommit();
  const result = await inTransaction(fixture.db, (client) => work(client, later));
  if (fixture.outsideCalls.length > 0)
    throw new Error(`touched Redis or Slack inside the transaction: ${fixture.outsideCalls.join(', ')}`);
  const after = (await getDeployment(fixture.db, deploymentId)) as Deployment;
  return { later, result, after };
}

/** The follow-up kinds, sorted: what the person will see after COMMIT, order aside. */
export const followUpKinds = (later: AfterCommit) => later.followUps.map((f) => f.kind).sort();

/** The step runs `later.enqueue` names, as stored. */
export async function enqueuedRuns(fixture: DeployFixture, later: AfterCommit): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const { id } of later.enqueue) runs.push((await getStepRun(fixture.db, id)) as StepRun);
  return runs;
}

/** The outbox rows recorded in the transaction, by dedupe key. */
export const notifiedKeys = (later: AfterCommit) =>
  later.notify.flatMap((n) => (n ? [n.dedupeKey] : [])).sort();

/** Only the thread notes' texts. */
export const threadNotes = (later: AfterCommit) =>
  later.followUps.flatMap((f) => (f.kind === 'thread_note' ? [f.message.text] : []));

/** Only the prompts recorded for publishing. */
export const publishedPrompts = (later: AfterCommit) =>
  later.followUps.flatMap((f) => (f.kind === 'publish_prompt' ? [f] : []));

export async function timerStatus(fixture: DeployFixture, timerId: number): Promise<Timer['status']> {
  const result = await fixture.db.query<{ status: Timer['status'] }>(
    'SELECT status FROM timers WHERE id = $1',
    [timerId],
  );
  return result.rows[0]?.status as Timer['status'];
}

export async function auditActions(fixture: DeployFixture, deploymentId: number) {
  const result = await fixture.db.query<{ action: string; actor: string; detail: Record<string, unknown> }>(
    'SELECT action, actor, detail FROM audit_log WHERE deployment_id = $1 ORDER BY id',
    [deploymentId],
  );
  return result.rows;
}
