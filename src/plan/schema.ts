import { z } from 'zod';
import { listRunTemplates, stepRunSchema } from '../steps/index.schema.js';
import { durationSchema, parseOffset } from './duration.js';
import { checkEnv, envTemplates, envValues, perEnvironment, secretNames } from './env-fields.js';
import { argv, collectCommandTemplates, type FieldPath, relativePath, says, urlTemplate } from './fields.js';
import { checkVariables, planVariableNames, variableNamePattern } from './plan-variables.js';
import { findSingleBraced, findVariables, isTemplateVariable, templateVariables } from './variables.js';

const snakeId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*$/,
    says(
      'expected a lower_snake_case id',
      "start with a letter and use only a-z, 0-9 and _, e.g. 'deployment_lead'",
    ),
  );
const text = z.string().trim().min(1, says('must not be empty', 'write a short description'));
const texts = z.array(text).min(1, says('needs at least one entry', 'add at least one item to the list'));
const roleIds = z
  .array(snakeId)
  .min(1, says('needs at least one role', 'list role ids from roles, e.g. [deployment_lead]'));

// Zero is fine for a soak or a notice, never for a timeout or an interval: `every: 0s` would spin.
const span = durationSchema.refine((ms) => ms > 0, {
  error: says('must be longer than zero', "use a positive duration such as '30m'"),
});

const commandSpec = z.strictObject({ command: argv, cwd: relativePath.optional(), timeout: span });

const percentMessage = says(
  'expected a number from 1 to 100',
  'use a whole-number percentage of traffic, e.g. 10, 50 or 100',
);
const percent = z
  .number({ error: percentMessage })
  .int(percentMessage)
  .min(1, percentMessage)
  .max(100, percentMessage);
const count = z
  .number()
  .int(says('expected a whole number', 'use 1, 2, 3 ...'))
  .min(1, says('must be at least 1', 'use 1 or more'));
const hhmm = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$/,
    says("expected a time like '20:00'", "write 24-hour HH:MM in quotes, e.g. '06:00'"),
  );

const stepSchema = z.strictObject({
  id: snakeId,
  name: text,
  phase: z.enum(['pre_deployment', 'execution', 'verification']),
  timeout: span,
  optional: z.boolean().optional(),
  run: stepRunSchema,
  /** Passed to this step's commands only, over the plan's and the environment's (src/plan/env-fields.ts). */
  env: envValues.optional(),
  secrets: secretNames.optional(),
});

const stageSchema = z.strictObject({
  id: snakeId,
  name: text,
  // Required by checkTraffic when a command moves traffic; under `traffic: none` there is no share
  // of traffic to name, so it is optional there and dropped (normalizeTraffic).
  percent: percent.optional(),
  minSoak: durationSchema,
  approvers: roleIds,
  monitoringFocus: texts,
  validationCriteria: texts.optional(),
});

const metricSchema = z
  .strictObject({
    id: snakeId,
    name: text,
    source: z.enum(['prometheus', 'http']),
    query: z.string().min(1).optional(),
    url: urlTemplate.optional(),
    /** For http: the JSON field holding the number; without it, 1 when the probe answers 2xx, else 0. */
    field: z.string().min(1).optional(),
    comparison: z.enum(['above', 'below']),
    threshold: z.number(),
    unit: z.string(),
    consecutive: count.default(3),
    minSamples: count.default(1),
    noData: z
      .literal('unknown', {
        error: says(
          "only 'unknown' is supported",
          'remove noData or set it to unknown: missing data never counts as a pass',
        ),
      })
      .default('unknown'),
  })
  .refine((metric) => metric.source !== 'prometheus' || metric.query !== undefined, {
    path: ['query'],
    error: says('a prometheus metric needs a query', 'add query: <PromQL expression>'),
  })
  .refine((metric) => metric.source !== 'http' || metric.url !== undefined, {
    path: ['url'],
    error: says('an http metric needs a url', 'add url: <JSON metrics endpoint>'),
  });

const scheduleItemSchema = z.strictObject({
  id: snakeId,
  at: z.string().refine((at) => parseOffset(at) !== undefined, {
    error: says(
      'expected an offset from the window start',
      "write a sign and a duration, e.g. '-5d', '+0h', '+24h' or '+1w'",
    ),
  }),
  activity: text,
  owner: snakeId,
  /** What moves this row's status: a deployment event Stagecoach sees (see src/schedule/track.ts). */
  tracks: z
    .string()
    .regex(
      /^(notice|final_testing|rollback_resources|window|complete|review|stage:[a-z][a-z0-9_]*|verify:[a-z][a-z0-9_]*)$/,
      says(
        'is not a tracked event',
        'use notice, final_testing, rollback_resources, window, stage:<stage id>, verify:<stage id>, complete or review',
      ),
    )
    .optional(),
});

export const defaultVersionPattern = '^v\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.]+)?$';

const planObject = z.strictObject({
  name: text,
  application: text,
  // Conditions a person confirms before starting; not checked by the bot.
  prerequisites: z.array(text).optional(),
  versionPattern: z
    .string()
    .default(defaultVersionPattern)
    .superRefine((pattern, ctx) => {
      try {
        new RegExp(pattern);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: says(
            'is not a valid regular expression',
            `start from the default '${defaultVersionPattern}'`,
          ),
        });
        return;
      }
      if (!isAnchored(pattern)) {
        ctx.addIssue({
          code: 'custom',
          message: says(
            'must match the whole version',
            "begin it with ^ and end it with $, and put any | inside a group: '^(a|b)$'",
          ),
        });
      }
    }),
  timezone: z.string().refine(isTimeZone, {
    error: says(
      'is not a time zone this system knows',
      "use an IANA name such as 'America/New_York' or 'UTC'",
    ),
  }),
  environments: z
    .array(
      z
        .string()
        .regex(
          /^[a-z][a-z0-9-]{0,30}$/,
          says('expected an environment name', "use lowercase letters, digits and '-', e.g. 'production'"),
        ),
    )
    .min(1, says('needs at least one environment', 'add e.g. [production, staging]')),
  defaultEnvironment: z.string(),
  channels: z.strictObject({ deployment: text, management: text, support: text }),
  maintenanceWindow: z.strictObject({
    duration: span,
    notice: durationSchema,
    offPeak: z.strictObject({
      weekdays: z.array(
        z
          .number()
          .int()
          .min(0)
          .max(6, says('expected a weekday from 0 to 6', 'use 0 for Sunday up to 6 for Saturday')),
      ),
      eveningStart: hhmm,
      morningEnd: hhmm,
    }),
    /** What users should expect, quoted in the maintenance notice. */
    impact: z
      .string()
      .trim()
      .min(1)
      .default(
        'Short interruptions are possible while traffic moves to the new version; most users will not notice the change.',
      ),
    notifyVia: z
      .array(z.enum(['slack', 'email', 'in_app', 'status_page']))
      .min(1, says('needs at least one channel', 'add e.g. [slack]')),
  }),
  stakeholders: texts,
  notificationTemplate: relativePath,
  /** Passed to every command by name; README "What a step gets". */
  env: envValues.optional(),
  secrets: secretNames.optional(),
  /** `<environment>: { env, secrets }`, over the plan level for that environment's deployments. */
  perEnvironment: perEnvironment.optional(),
  /** `<name>: { command }`, run once at start; what it prints is `{{name}}` (src/plan/plan-variables.ts). */
  variables: z
    .record(
      // Names are checked in checkVariables, which says what is wrong; the pattern is for editors.
      z.string().meta({ pattern: variableNamePattern.source }),
      z.strictObject({ command: argv, cwd: relativePath.optional(), timeout: span.prefault('1m') }),
    )
    .optional(),
  steps: z.array(stepSchema).min(1, says('needs at least one step', 'add the steps of the runbook')),
  stages: z.array(stageSchema).min(1, says('needs at least one stage', 'add a stage with percent: 100')),
  /**
   * How traffic moves from stage to stage: `{ command, timeout }` run for every stage, the first
   * included, or `none` (stages are observation windows; no percentage is ever claimed).
   * `trafficShift` plus one command step passing `{{percent}}` (stage 1) is the older equivalent.
   */
  traffic: z.union([z.literal('none'), commandSpec]).optional(),
  trafficShift: commandSpec.optional(),
  goNoGo: z.strictObject({
    after: span,
    onTimeout: z.enum(['hold', 'proceed', 'rollback']).default('hold'),
    page: roleIds,
  }),
  rollback: z.strictObject({
    triggers: texts,
    revert: commandSpec,
    currentVersion: commandSpec.optional(),
    restoreDatabase: z.strictObject({
      when: z.enum(['schema_changed', 'always', 'never']),
      timeout: span,
    }),
    lockEnvironmentAfter: z.boolean().default(true),
  }),
  authorization: z.strictObject({
    start: roleIds,
    approveStage: roleIds,
    rollback: roleIds,
    restoreDatabase: roleIds,
    declareComplete: roleIds,
    lock: roleIds,
    forbidSelfApproval: z.boolean().default(false),
  }),
  monitoring: z.strictObject({
    checkIns: z.strictObject({
      every: span,
      for: span,
      pageAfterMissed: count.default(2),
    }),
    dailyReviews: z.strictObject({ for: span }),
    weeklyReviews: z.strictObject({ for: span }),
    /** How often every metric is read, from the first traffic shift to the end of the success window. */
    pollEvery: span.prefault('1m'),
    /** Roll back by itself after a sustained breach, unless someone presses [Hold] within the grace delay. */
    autoRollback: z
      .strictObject({ enabled: z.boolean().default(false), grace: span.prefault('10m') })
      .prefault({}),
    metrics: z.array(metricSchema),
    issueResponse: z.strictObject({ critical: text, major: text, minor: text }),
  }),
  successCriteria: z.strictObject({
    window: span,
    /** When the criteria do not hold yet, how soon to look again. */
    recheckEvery: span.prefault('1h'),
    criteria: texts,
    integrationChecks: z.array(z.strictObject({ id: snakeId, name: text, ...commandSpec.shape })),
  }),
  documentationUpdates: z.array(text),
  /** Quoted in the success notification (5.2 "highlights of improvements"). */
  releaseHighlights: z.array(text).default([]),
  /** Alerts from the team's own Alertmanager (POST /alertmanager): the label naming the environment. */
  alertmanager: z.strictObject({ environmentLabel: z.string().min(1).default('environment') }).prefault({}),
  /** Link buttons on the root message and alerts: dashboards, logs, CI, the runbook. */
  links: z
    .array(z.strictObject({ label: text, url: urlTemplate }))
    .max(5, says('has more than 5 links', 'keep the 5 a person needs at 2 a.m.'))
    .default([]),
  schedule: z.array(scheduleItemSchema),
  roles: z
    .array(z.strictObject({ id: snakeId, name: text, responsibilities: text }))
    .min(1, says('needs at least one role', 'add the roles of the runbook')),
  teams: z.array(z.strictObject({ id: snakeId, name: text, roles: roleIds })),
});

export type PlanShape = z.output<typeof planObject>;

/** What a plan's `links` may fill in: known for every deployment, nothing secret. */
export const linkVariables = ['version', 'environment', 'deploymentId'];

export const planSchema = planObject.superRefine(checkPlan).transform(normalizeTraffic);

export type Plan = z.output<typeof planSchema>;
export type Step = Plan['steps'][number];
export type StepPhase = Step['phase'];
export type Stage = Plan['stages'][number];
export type Metric = Plan['monitoring']['metrics'][number];
export type ScheduleItem = Plan['schedule'][number];
export type Role = Plan['roles'][number];
export type Team = Plan['teams'][number];
export type CommandSpec = z.output<typeof commandSpec>;

/**
 * How each stage's traffic moves, made explicit. `command`: the command runs for every stage at its
 * percentage; stage 1's run is the plan step `firstStageStep` when one passes `{{percent}}`, else a
 * derived shift after the steps. `none`: nothing moves traffic; stages are observation windows.
 */
export type Traffic =
  | { mode: 'command'; firstStageStep: string | undefined; command: CommandSpec }
  | { mode: 'none' };

/** The plan's command steps that pass `{{percent}}`: each of them moves traffic. */
export function percentSteps(steps: readonly PlanShape['steps'][number][]) {
  return steps.filter(
    (step) =>
      step.run.kind === 'command' && step.run.command.some((arg) => findVariables(arg).includes('percent')),
  );
}

function normalizeTraffic({ traffic, trafficShift, ...plan }: PlanShape): Omit<
  PlanShape,
  'traffic' | 'trafficShift'
> & {
  traffic: Traffic;
} {
  // A percent written under `traffic: none` (plans from before it was optional) moves nothing: it is
  // dropped, so no message can claim it.
  if (traffic === 'none')
    return {
      ...plan,
      stages: plan.stages.map(({ percent: _ignored, ...stage }) => stage),
      traffic: { mode: 'none' },
    };
  const command = traffic ?? trafficShift;
  if (!command) throw new Error('checkPlan lets no plan through without traffic or trafficShift');
  const firstStageStep = traffic ? undefined : percentSteps(plan.steps)[0]?.id;
  return { ...plan, traffic: { mode: 'command', firstStageStep, command } };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `^...$` with no top-level `|`: `^v1|v2$` would accept anything that starts with v1. */
function isAnchored(pattern: string): boolean {
  const trailingBackslashes = /\\*\$$/.exec(pattern)?.[0].length ?? 1;
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || trailingBackslashes % 2 === 0) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < pattern.length - 1; i += 1) {
    const char = pattern[i];
    if (char === '\\') i += 1;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === '|' && depth === 0) return false;
  }
  return true;
}

/** Rules that span fields: references resolve, ids are unique, stages climb to 100% (when traffic moves). */
function checkPlan(plan: PlanShape, ctx: z.RefinementCtx<PlanShape>): void {
  const problem = (path: FieldPath, what: string, fix: string) =>
    ctx.addIssue({ code: 'custom', path, message: says(what, fix) });

  const unique = (ids: string[], path: FieldPath, what: string, key: FieldPath = ['id']) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id))
        problem([...path, i, ...key], `duplicate ${what} '${id}'`, `give each ${what} its own name`);
      seen.add(id);
    });
  };
  const ids = (items: { id: string }[]) => items.map((item) => item.id);
  unique(plan.environments, ['environments'], 'environment', []);
  unique(ids(plan.steps), ['steps'], 'step id');
  unique(ids(plan.stages), ['stages'], 'stage id');
  unique(ids(plan.roles), ['roles'], 'role id');
  unique(ids(plan.teams), ['teams'], 'team id');
  unique(ids(plan.schedule), ['schedule'], 'schedule id');
  unique(ids(plan.monitoring.metrics), ['monitoring', 'metrics'], 'metric id');
  unique(ids(plan.successCriteria.integrationChecks), ['successCriteria', 'integrationChecks'], 'check id');

  if (!plan.environments.includes(plan.defaultEnvironment)) {
    problem(
      ['defaultEnvironment'],
      `'${plan.defaultEnvironment}' is not one of the environments`,
      `use one of: ${plan.environments.join(', ')}`,
    );
  }

  plan.links.forEach((link, i) => {
    const unknown = findVariables(link.url).filter((name) => !linkVariables.includes(name));
    if (unknown.length > 0)
      problem(
        ['links', i, 'url'],
        `uses ${unknown.map((name) => `{{${name}}}`).join(', ')}, which a link cannot fill in`,
        `use only ${linkVariables.map((name) => `{{${name}}}`).join(', ')}`,
      );
  });

  const roles = new Set(plan.roles.map((role) => role.id));
  const teams = new Set(plan.teams.map((team) => team.id));
  const roleList = [...roles].join(', ');
  const roleRefs: [FieldPath, string][] = [
    ...plan.stages.flatMap((stage, i) =>
      stage.approvers.map((id, j): [FieldPath, string] => [['stages', i, 'approvers', j], id]),
    ),
    ...plan.goNoGo.page.map((id, j): [FieldPath, string] => [['goNoGo', 'page', j], id]),
    ...plan.teams.flatMap((team, i) =>
      team.roles.map((id, j): [FieldPath, string] => [['teams', i, 'roles', j], id]),
    ),
    ...Object.entries(plan.authorization).flatMap(([action, ids]) =>
      Array.isArray(ids) ? ids.map((id, j): [FieldPath, string] => [['authorization', action, j], id]) : [],
    ),
  ];
  for (const [path, id] of roleRefs) {
    if (!roles.has(id))
      problem(path, `unknown role '${id}'`, `define it under roles, or use one of: ${roleList}`);
  }
  plan.teams.forEach((team, i) => {
    if (roles.has(team.id))
      problem(
        ['teams', i, 'id'],
        `'${team.id}' is both a role and a team`,
        'rename the team so schedule owners are unambiguous',
      );
  });
  plan.schedule.forEach((item, i) => {
    if (!roles.has(item.owner) && !teams.has(item.owner)) {
      problem(
        ['schedule', i, 'owner'],
        `unknown owner '${item.owner}'`,
        `use a role or team id: ${[...roles, ...teams].join(', ')}`,
      );
    }
  });

  const phases = ['pre_deployment', 'execution', 'verification'];
  plan.steps.forEach((step, i) => {
    const previous = plan.steps[i - 1];
    if (previous && phases.indexOf(step.phase) < phases.indexOf(previous.phase)) {
      problem(
        ['steps', i, 'phase'],
        `a ${step.phase} step comes after a ${previous.phase} step`,
        `order steps by phase: ${phases.join(', ')}`,
      );
    }
  });

  checkTraffic(plan, problem);
  const restore = plan.rollback.restoreDatabase.when;
  if (restore !== 'never' && !plan.steps.some((step) => step.run.kind === 'backup_database')) {
    problem(
      ['rollback', 'restoreDatabase', 'when'],
      `is ${restore} but no step backs up the database`,
      'add a backup_database step, or set when: never',
    );
  }
  if (
    restore === 'schema_changed' &&
    !plan.steps.some((step) => step.run.kind === 'command' && step.run.records === 'schema_changed')
  ) {
    problem(
      ['rollback', 'restoreDatabase', 'when'],
      'is schema_changed but no step records schema_changed',
      'add records: schema_changed to the migrations step',
    );
  }

  checkEnv(plan, problem);
  checkVariables(plan, problem);
  const planNames = planVariableNames(plan);
  const allowed = [...templateVariables, ...planNames].map((name) => `{{${name}}}`).join(', ');
  for (const [path, value] of [...templatedStrings(plan), ...envTemplates(plan)]) {
    const unknown = (name: string) => !isTemplateVariable(name) && !planNames.includes(name);
    for (const name of findVariables(value).filter(unknown)) {
      problem(path, `unknown template variable {{${name}}}`, `use one of ${allowed}`);
    }
    // A command step passing it is refused by checkTraffic, with the reason that fits a step.
    const commandStep = path[0] === 'steps' && path[2] === 'run' && path[3] === 'command';
    if (plan.traffic === 'none' && !commandStep && findVariables(value).includes('percent'))
      problem(
        path,
        'uses {{percent}}, but traffic is none: no stage has a percentage, so it has no value',
        'remove {{percent}}, or give traffic a command',
      );
    for (const name of findSingleBraced(value, planNames)) {
      problem(path, `{${name}} has single braces and would be passed literally`, `write {{${name}}}`);
    }
  }
}

/** Every stage's traffic moves by a command, or the plan says none does: never silently not at all. */
function checkTraffic(plan: PlanShape, problem: (path: FieldPath, what: string, fix: string) => void): void {
  const passing = percentSteps(plan.steps);
  const stepPath = (id: string): FieldPath => [
    'steps',
    plan.steps.findIndex((step) => step.id === id),
    'run',
    'command',
  ];
  const either =
    "write traffic: { command: [..., '--percent={{percent}}'], timeout: 20m } (run for every stage, stage 1 included), or traffic: none if nothing controls traffic";
  if (plan.traffic !== undefined && plan.trafficShift !== undefined) {
    problem(['trafficShift'], 'is given together with traffic', 'keep traffic and remove trafficShift');
    return;
  }
  if (plan.traffic !== 'none') checkStagePercents(plan.stages, problem);
  if (plan.traffic === 'none') {
    for (const step of passing)
      problem(
        stepPath(step.id),
        "passes {{percent}}, but traffic is none: the stage's percentage would move traffic no one tracks",
        'remove {{percent}} from the step, or give traffic a command',
      );
    return;
  }
  const command = plan.traffic ?? plan.trafficShift;
  const key = plan.traffic ? 'traffic' : 'trafficShift';
  if (!command) {
    problem(['traffic'], 'is missing: no stage says how its traffic moves', either);
    return;
  }
  if (!command.command.some((arg) => findVariables(arg).includes('percent')))
    problem(
      [key, 'command'],
      'never passes the stage percentage',
      "add an argument such as '--percent={{percent}}'",
    );
  if (plan.traffic) {
    for (const step of passing)
      problem(
        stepPath(step.id),
        'passes {{percent}}, but traffic.command already moves stage 1',
        'remove {{percent}} from the step (traffic.command runs for stage 1 after the steps), or use trafficShift with this step',
      );
    return;
  }
  const first = plan.stages[0];
  if (passing.length === 0 && first)
    problem(
      ['trafficShift'],
      `moves stages 2 and later, but no step passes {{percent}}: ${first.name} would never get its ${first.percent === undefined ? 'share' : `${first.percent}%`} of traffic`,
      `add '--percent={{percent}}' to the execution step that deploys, or ${either.replace(/^write/, 'replace trafficShift with')}`,
    );
  for (const step of passing.slice(1))
    problem(
      stepPath(step.id),
      `passes {{percent}} like step '${passing[0]?.id}': only one step may move stage 1's traffic`,
      'remove {{percent}} from all but the step that shifts traffic',
    );
}

/**
 * With a traffic command every stage names its share of traffic, growing to 100%: the command is
 * run with it, and the last stage is where the rollout completes.
 */
function checkStagePercents(
  stages: readonly PlanShape['stages'][number][],
  problem: (path: FieldPath, what: string, fix: string) => void,
): void {
  let previous: number | undefined;
  stages.forEach((stage, i) => {
    if (stage.percent === undefined) {
      problem(
        ['stages', i],
        `stage '${stage.id}' has no percent, but a traffic command moves each stage to its percentage`,
        'add percent: <1 to 100> (the last stage 100), or write traffic: none if nothing controls traffic',
      );
      return;
    }
    if (previous !== undefined && stage.percent <= previous)
      problem(
        ['stages', i, 'percent'],
        `${stage.percent}% does not grow from the previous stage's ${previous}%`,
        'order stages by increasing percent',
      );
    previous = stage.percent;
  });
  const last = stages.at(-1);
  if (last?.percent !== undefined && last.percent !== 100)
    problem(
      ['stages'],
      `the last stage stops at ${last.percent}%, so the rollout never completes`,
      'add a final stage with percent: 100',
    );
}

/** Every string that is filled in from template variables before it runs or is fetched. */
function templatedStrings(plan: PlanShape): [FieldPath, string][] {
  const found: [FieldPath, string][] = [];
  const add = (path: FieldPath, value: string | undefined) => {
    if (value !== undefined) found.push([path, value]);
  };
  const addCommand = (path: FieldPath, spec: { command: string[]; cwd?: string | undefined }) => {
    for (const [field, value] of collectCommandTemplates(spec)) add([...path, ...field], value);
  };
  plan.steps.forEach((step, i) => {
    for (const [field, value] of listRunTemplates(step.run)) add(['steps', i, 'run', ...field], value);
  });
  if (plan.trafficShift) addCommand(['trafficShift'], plan.trafficShift);
  if (plan.traffic && plan.traffic !== 'none') addCommand(['traffic'], plan.traffic);
  addCommand(['rollback', 'revert'], plan.rollback.revert);
  if (plan.rollback.currentVersion) addCommand(['rollback', 'currentVersion'], plan.rollback.currentVersion);
  plan.successCriteria.integrationChecks.forEach((check, i) => {
    addCommand(['successCriteria', 'integrationChecks', i], check);
  });
  plan.monitoring.metrics.forEach((metric, i) => {
    add(['monitoring', 'metrics', i, 'query'], metric.query);
    add(['monitoring', 'metrics', i, 'url'], metric.url);
  });
  return found;
}
