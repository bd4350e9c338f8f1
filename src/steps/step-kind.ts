// The half of a step kind that runs it: what each src/steps/<kind>.ts implements and is handed.
import type { Deployment } from '../infra/db/deployments.js';
import type { Redact } from '../infra/run/redact.js';
import type { StepOutcome } from '../infra/run/step-outcome.js';
import type { TemplateVars } from '../plan/variables.js';
import type { DeploySettings } from '../ports.js';

/** A runner's outcome, plus what the deployment records from it. */
export interface ExecutedStep extends StepOutcome {
  backupFile?: string | undefined;
  schemaChanged?: boolean | undefined;
}

/** Everything a step may use while it runs; I/O happens through the runners in src/infra/run. */
export interface StepContext {
  /** The values of `{{name}}` for this step (its `{{percent}}` included). */
  vars: TemplateVars;
  /**
   * The whole environment of the step's commands: the minimal base, the plan's `env`/`secrets` at
   * each level and STAGECOACH_* (infra/run/step-environment.ts#commandEnvironment).
   */
  env: Record<string, string>;
  settings: Pick<DeploySettings, 'workspaceDir' | 'backupDir' | 'appDatabaseUrl' | 'healthcheckUrl'>;
  deployment: Pick<Deployment, 'id' | 'environment' | 'version' | 'createdAt' | 'backupFile'>;
  /** The step's own budget, from the plan. */
  timeoutMs: number;
  /** Aborted on shutdown or cancellation: the runner stops and reports `cancelled`. */
  signal?: AbortSignal | undefined;
  /** Hides the configured secrets in anything the step outputs. */
  redact: Redact;
  /** `Date.now()` when the step began: a step refused before it ran reports this as its duration. */
  startedAt: number;
  /** Told each child's process group as it starts (recorded, so no bot crash leaves it running unseen). */
  onProcessGroup?: ((processGroup: number) => void) | undefined;
}

/** One kind of step, `S` being its `run:` value: how it runs and how --dry-run describes it. */
export interface StepKind<S extends { kind: string }> {
  kind: S['kind'];
  execute(run: S, ctx: StepContext): Promise<ExecutedStep>;
  /** What a dry run says it would run, after `dry run: would run `. */
  dryRunText(run: S, vars: TemplateVars): string;
}
