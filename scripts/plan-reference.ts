/**
 * `npm run plan:docs`: writes docs/plan.md (the plan reference) and templates/plans/plan.schema.json
 * (JSON Schema, so editors check a plan as it is typed), both from the zod schema in
 * src/plan/schema.ts and src/steps/*.schema.ts. `--check` writes nothing and exits 1 when either
 * file is out of date (test/unit/plan/plan-reference.test.ts does the same).
 *
 * What each key does is written here, in `descriptions`, by its path (`steps[].run{command}.cwd`:
 * `[]` a list's entries, `{kind}` one step kind, `<name>` any name in a mapping); a key the schema
 * has and this map lacks is listed as undocumented, and the schema files stay free of prose.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { planSchema } from '../src/plan/schema.js';
import { templateVariables } from '../src/plan/variables.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  [key: string]: unknown;
};

const root = fileURLToPath(new URL('..', import.meta.url));
export const referenceFile = 'docs/plan.md';
export const schemaFile = 'templates/plans/plan.schema.json';

const duration = "a duration: '30s', '30m', '24h', '5d', '1w' or ISO 8601 ('PT30M')";
const roleList = 'role ids from `roles`';
const commandHelp =
  'an argument list, the program first; run without a shell, in its own process group, killed with its children at the timeout';

/** What each key means at run time, by path. */
const descriptions: Record<string, string> = {
  name: 'The deployment plan’s title, shown in the root message, notices and the report.',
  application: 'The application’s name, used in messages and the maintenance notice.',
  prerequisites:
    'Conditions a person confirms before starting (shown, not checked by the bot). Default: none.',
  versionPattern:
    'A regular expression the version typed in `/deploy start <version>` must match, anchored with `^…$`. Also what the `rollback.currentVersion` command must print.',
  timezone: 'IANA time zone the maintenance window, off-peak hours and the schedule are read in.',
  environments: 'Environment names `/deploy start <version> to <environment>` accepts.',
  defaultEnvironment: 'The environment used when `to <environment>` is left out; one of `environments`.',
  channels: 'Names of the Slack channels, as shown in messages (the channel ids come from the settings).',
  'channels.deployment': 'Where the root message, the thread, prompts and buttons go.',
  'channels.management': 'Where milestone pings (started, each stage, completed, rolled back) go.',
  'channels.support': 'Where the support briefing before and after the window goes.',
  maintenanceWindow: 'Section 1.1: when the change may happen and who is told.',
  'maintenanceWindow.duration': `How long the window lasts (${duration}).`,
  'maintenanceWindow.notice': `How long before the window the notice goes out (${duration}).`,
  'maintenanceWindow.offPeak': 'The hours `/deploy window` accepts without a warning.',
  'maintenanceWindow.offPeak.weekdays': 'Days allowed, 0 (Sunday) to 6 (Saturday).',
  'maintenanceWindow.offPeak.eveningStart': "Off-peak starts at this local time ('20:00').",
  'maintenanceWindow.offPeak.morningEnd': "Off-peak ends at this local time the next morning ('06:00').",
  'maintenanceWindow.impact': 'What users should expect, quoted in the maintenance notice.',
  'maintenanceWindow.notifyVia':
    'Channels the maintenance notice goes out on: `slack`, `email`, `in_app`, `status_page` (each needs its settings).',
  stakeholders: 'Who is told about the window, listed in the notice.',
  notificationTemplate:
    'Markdown file of the maintenance notice, relative to the directory Stagecoach runs from; `{{name}}` placeholders are filled in.',
  env: 'Variables passed by name to every command of the plan (values may use template variables). Default: none.',
  'env.<name>': 'One variable: text, a number or true/false.',
  secrets:
    'Names of variables taken from Stagecoach’s own environment and passed to every command; their values are redacted from all output.',
  'secrets[]': 'A variable name.',
  perEnvironment: 'Per environment name: `env` and `secrets` only that environment’s deployments pass.',
  'perEnvironment.<name>': 'What the deployments of this environment pass, over the plan level.',
  'perEnvironment.<name>.env': 'Variables passed to every command of this environment’s deployments.',
  'perEnvironment.<name>.env.<name>': 'One variable.',
  'perEnvironment.<name>.secrets': 'Secret names passed to every command of this environment’s deployments.',
  'perEnvironment.<name>.secrets[]': 'A variable name.',
  variables:
    'The plan’s own template variables, by name: each computed once by a command when a deployment starts (a dry run’s too), stored with it, and usable as `{{name}}` wherever the built-in variables are (commands, cwd, URLs, `env` values). A name may not be a built-in one. Default: none.',
  'variables.<name>':
    'One variable: its value is the last line its command prints, trimmed (at most 500 characters). A command that fails, times out or prints nothing refuses the start, naming the variable, before anything changes. Not secret: it appears in command lines and messages.',
  'variables.<name>.command': `The command that prints the value: ${commandHelp}. It should only read (it runs for a dry run too). Gets the plan’s and the environment’s \`env\` and \`secrets\`; may use {{version}}, {{environment}}, {{previousVersion}}, {{workspaceDir}}, {{appLogFile}}, {{healthcheckUrl}} and {{gitSha}}, not another variable.`,
  'variables.<name>.cwd': 'Working directory relative to the workspace. Default: the workspace.',
  'variables.<name>.timeout': `Stopped after this long (${duration}); not scaled. Default: 1m.`,
  steps:
    'The runbook’s steps, run one at a time in this order (phases in order: pre_deployment, execution, verification). A failed step stops the deployment and asks [Retry] or [Abort].',
  'steps[].id': 'Unique lower_snake_case id: named in messages, `npm run validate` and the audit log.',
  'steps[].name': 'What the thread says is running.',
  'steps[].phase': '`pre_deployment`, `execution` or `verification`.',
  'steps[].timeout': `The step is stopped, its whole process tree killed, after this long (${duration}). Never scaled by TIME_SCALE.`,
  'steps[].optional': 'When true, a failure is reported and the deployment goes on. Default: false.',
  'steps[].env': 'Variables passed to this step’s commands only, over the plan’s and the environment’s.',
  'steps[].env.<name>': 'One variable.',
  'steps[].secrets': 'Secret names passed to this step’s commands only.',
  'steps[].secrets[]': 'A variable name.',
  'steps[].run': 'What the step does: one of the step kinds below, chosen by `kind`.',
  'steps[].run{command}': 'Runs a program in the workspace.',
  'steps[].run{command}.kind': '`command`.',
  'steps[].run{command}.command': `The program and its arguments: ${commandHelp}. Arguments may use template variables; a value never splits into two arguments.`,
  'steps[].run{command}.cwd':
    'Working directory relative to the workspace (WORKSPACE_DIR). Default: the workspace. A relative program (`./x.sh`) is found from here.',
  'steps[].run{command}.records':
    '`schema_changed`: the step migrates the application database; once it has started, a rollback offers the pre-deployment restore (unless its output says nothing changed).',
  'steps[].run{command}.schemaChangedPattern':
    "A line saying the schema did change (default 'schema changed: yes'). Only with `records`.",
  'steps[].run{command}.schemaUnchangedPattern':
    'A line saying nothing changed; replaces the default that knows common migration tools. Only with `records`.',
  'steps[].run{backup_database}':
    'pg_dump of APP_DATABASE_URL into BACKUP_DIR, then proved readable with pg_restore --list; its file is `{{backupFile}}` afterwards and what a restore uses.',
  'steps[].run{backup_database}.kind': '`backup_database`.',
  'steps[].run{backup_database}.format': '`custom` (pg_dump -Fc, restored with pg_restore) or `plain` (SQL).',
  'steps[].run{check_artifacts}': 'Fails unless a directory of the workspace holds files (build output).',
  'steps[].run{check_artifacts}.kind': '`check_artifacts`.',
  'steps[].run{check_artifacts}.path':
    'The directory, relative to the workspace; may use template variables.',
  'steps[].run{http_check}': 'One GET, judged on its status and body.',
  'steps[].run{http_check}.kind': '`http_check`.',
  'steps[].run{http_check}.url': "An http(s) URL or a template such as '{{healthcheckUrl}}'.",
  'steps[].run{http_check}.expectStatus': 'The status that passes. Default: 200.',
  'steps[].run{http_check}.expectBodyContains': 'Text the body must contain.',
  'steps[].run{scan_log}': 'Reads a log file for error patterns written since the deployment started.',
  'steps[].run{scan_log}.kind': '`scan_log`.',
  'steps[].run{scan_log}.file': "The log file, e.g. '{{appLogFile}}'.",
  'steps[].run{scan_log}.patterns': 'Regular expressions (case-insensitive); any match fails the step.',
  stages:
    'The staged rollout. With a traffic command, in increasing percent, the last at 100; under `traffic: none`, observation windows in order. See "How traffic moves".',
  'stages[].id': 'Unique lower_snake_case id (`stage:<id>` in the schedule).',
  'stages[].name': 'Shown in prompts and pings ("Canary").',
  'stages[].percent':
    'Share of traffic at this stage, 1 to 100; passed to commands as `{{percent}}`. Required with a traffic command (`traffic` or `trafficShift`); not needed, and ignored, under `traffic: none`.',
  'stages[].minSoak': `How long the stage runs before [Promote] is offered (${duration}; 0 for none). Scaled by TIME_SCALE.`,
  'stages[].approvers': `Who may promote to the next stage: ${roleList}.`,
  'stages[].monitoringFocus': 'What to watch during this stage, listed in the stage message.',
  'stages[].validationCriteria': 'What must hold before promotion, listed in the promotion prompt.',
  traffic:
    'How traffic moves: `{ command, timeout }` run for every stage at its percentage (stage 1 included, after the steps), or `none` (stages are observation windows; no percentage is claimed). Give either this or `trafficShift`.',
  'traffic.command': `The traffic command: ${commandHelp}. Must pass '{{percent}}'.`,
  'traffic.cwd': 'Working directory relative to the workspace. Default: the workspace.',
  'traffic.timeout': `Stopped after this long (${duration}); not scaled.`,
  trafficShift:
    'The older form: the command run for stages 2 and later, while stage 1 is moved by the one command step passing `{{percent}}`. Give either this or `traffic`.',
  'trafficShift.command': `The traffic command: ${commandHelp}. Must pass '{{percent}}'.`,
  'trafficShift.cwd': 'Working directory relative to the workspace. Default: the workspace.',
  'trafficShift.timeout': `Stopped after this long (${duration}); not scaled.`,
  goNoGo: 'Section 3.3: the go/no-go decision after the first traffic shift.',
  'goNoGo.after': `How long after the start the decision is due (${duration}; scaled for people, see "Time scaling").`,
  'goNoGo.onTimeout': 'What happens when nobody decides in time: `hold` (default), `proceed` or `rollback`.',
  'goNoGo.page': `Who is paged when the deadline passes: ${roleList}.`,
  rollback: 'Section 7: how to go back. Confirmed at `/deploy start` before anything changes.',
  'rollback.triggers': 'When to roll back, listed in alerts and the rollback prompt.',
  'rollback.revert': 'The command that returns to `{{previousVersion}}`.',
  'rollback.revert.command': `${commandHelp}. Usually passes '{{previousVersion}}'.`,
  'rollback.revert.cwd': 'Working directory relative to the workspace.',
  'rollback.revert.timeout': `Stopped after this long (${duration}).`,
  'rollback.currentVersion':
    'A command printing the running version (its last line, matching versionPattern). Run at `/deploy start` when no earlier deployment of the environment completed: that version is the rollback target, and starting it again needs `--redeploy`. Optional, but without it the first deployment of an environment needs `--without-rollback-target`.',
  'rollback.currentVersion.command': `${commandHelp}. Only {{version}}, {{environment}}, {{percent}}, {{workspaceDir}}, {{appLogFile}} and {{healthcheckUrl}} have values this early.`,
  'rollback.currentVersion.cwd': 'Working directory relative to the workspace.',
  'rollback.currentVersion.timeout': `Stopped after this long (${duration}).`,
  'rollback.restoreDatabase': 'Whether a rollback restores the pre-deployment backup (confirmed separately).',
  'rollback.restoreDatabase.when':
    '`schema_changed` (only when a `records: schema_changed` step ran), `always` or `never`. Unless `never`, start requires APP_DATABASE_URL and pg_dump, and the plan needs a backup_database step.',
  'rollback.restoreDatabase.timeout': `How long the restore may take (${duration}).`,
  'rollback.lockEnvironmentAfter':
    'Lock the environment after a rollback until someone runs `/deploy unlock`. Default: true.',
  authorization: `Who may do what: each a list of ${roleList}.`,
  'authorization.start': 'Who may `/deploy start`.',
  'authorization.approveStage': 'Who may approve a promotion (with the stage’s own approvers).',
  'authorization.rollback': 'Who may roll back.',
  'authorization.restoreDatabase': 'Who may confirm or skip the database restore.',
  'authorization.declareComplete': 'Who may declare the deployment complete.',
  'authorization.lock': 'Who may lock and unlock environments.',
  'authorization.forbidSelfApproval':
    'Four eyes: the person who started may not approve promotions. Default: false.',
  monitoring: 'Section 4: check-ins, reviews, metrics and issue response after the first shift.',
  'monitoring.checkIns': 'Regular check-in prompts someone must acknowledge.',
  'monitoring.checkIns.every': `How often (${duration}; scaled).`,
  'monitoring.checkIns.for': `For how long after the first shift (${duration}; scaled).`,
  'monitoring.checkIns.pageAfterMissed': 'Page the lead after this many missed check-ins. Default: 2.',
  'monitoring.dailyReviews': 'Daily review prompts.',
  'monitoring.dailyReviews.for': `For how long (${duration}; scaled).`,
  'monitoring.weeklyReviews': 'Weekly review prompts.',
  'monitoring.weeklyReviews.for': `For how long (${duration}; scaled).`,
  'monitoring.pollEvery': `How often every metric is read, from the first shift to the end of the success window (${duration}; scaled). Default: 1m.`,
  'monitoring.autoRollback': 'Roll back by itself after a sustained breach. Default: off.',
  'monitoring.autoRollback.enabled': 'Default: false.',
  'monitoring.autoRollback.grace': `Time anyone has to press [Hold] before it rolls back (${duration}; scaled for people). Default: 10m.`,
  'monitoring.metrics': 'Metrics compared with thresholds; a breach alerts the channel with [Roll back].',
  'monitoring.metrics[].id': 'Unique lower_snake_case id.',
  'monitoring.metrics[].name': 'Shown in alerts.',
  'monitoring.metrics[].source': '`prometheus` (PROMETHEUS_URL, a `query`) or `http` (a JSON `url`).',
  'monitoring.metrics[].query': 'PromQL expression (prometheus); may use template variables.',
  'monitoring.metrics[].url': 'JSON metrics endpoint (http); may use template variables.',
  'monitoring.metrics[].field':
    'For http: the JSON field holding the number; without it, 1 when the probe answers 2xx, else 0.',
  'monitoring.metrics[].comparison': 'A breach is a value `above` or `below` the threshold.',
  'monitoring.metrics[].threshold': 'The limit.',
  'monitoring.metrics[].unit': "Shown after values ('%', 'ms').",
  'monitoring.metrics[].consecutive': 'Breaching reads in a row before an alert. Default: 3.',
  'monitoring.metrics[].minSamples': 'Reads needed before the metric counts at all. Default: 1.',
  'monitoring.metrics[].noData': 'Only `unknown`: missing data never counts as a pass. Default: unknown.',
  'monitoring.issueResponse': 'What to do per issue severity, quoted when `/deploy issue` is reported.',
  'monitoring.issueResponse.critical': 'Response to critical issues.',
  'monitoring.issueResponse.major': 'Response to major issues.',
  'monitoring.issueResponse.minor': 'Response to minor issues.',
  successCriteria: 'Section 6: what must hold before the deployment is declared complete.',
  'successCriteria.window': `How long after 100% the criteria must hold (${duration}; scaled).`,
  'successCriteria.recheckEvery': `How soon to look again when they do not hold yet (${duration}; scaled). Default: 1h.`,
  'successCriteria.criteria': 'The criteria, listed in the completion prompt.',
  'successCriteria.integrationChecks': 'Commands run at the end of the window; all must pass.',
  'successCriteria.integrationChecks[].id': 'Unique lower_snake_case id.',
  'successCriteria.integrationChecks[].name': 'Shown in the thread.',
  'successCriteria.integrationChecks[].command': `${commandHelp}.`,
  'successCriteria.integrationChecks[].cwd': 'Working directory relative to the workspace.',
  'successCriteria.integrationChecks[].timeout': `Stopped after this long (${duration}).`,
  documentationUpdates: 'Section 5.3: documents to update, a checklist in the thread.',
  releaseHighlights: 'Quoted in the success notification (5.2). Default: none.',
  alertmanager:
    "Alerts from the team's own Alertmanager, sent to POST /alertmanager (needs ALERTMANAGER_WEBHOOK_TOKEN).",
  'alertmanager.environmentLabel':
    'The alert label whose value names the environment: a firing alert with environment=production goes to the active deployment on production. Default: environment.',
  links:
    'Up to 5 link buttons on the root message and on alerts (dashboards, logs, CI, the runbook). Default: none.',
  'links[].label': 'The button text, e.g. "Grafana".',
  'links[].url':
    'An http(s) URL; may use {{version}}, {{environment}} and {{deploymentId}}, filled in (URL-encoded) per deployment.',
  schedule: 'Section 8: the schedule table, with live status.',
  'schedule[].id': 'Unique lower_snake_case id.',
  'schedule[].at': "Offset from the window start: a sign and a duration ('-5d', '+0h', '+1w').",
  'schedule[].activity': 'What happens.',
  'schedule[].owner': 'A role or team id.',
  'schedule[].tracks':
    'The event that moves the row’s status: notice, final_testing, rollback_resources, window, stage:<id>, verify:<id>, complete or review.',
  roles: 'Section 9: the roles `/deploy role` assigns and `authorization` names.',
  'roles[].id': 'lower_snake_case role id.',
  'roles[].name': 'Shown in messages ("Deployment Lead").',
  'roles[].responsibilities': 'Shown by `/deploy roles`.',
  teams: 'Teams made of roles, usable as schedule owners.',
  'teams[].id': 'lower_snake_case team id (not also a role id).',
  'teams[].name': 'Shown in the schedule.',
  'teams[].roles': `The team’s members: ${roleList}.`,
};

const variableDescriptions: Record<string, string> = {
  version: 'The version typed in `/deploy start <version>`.',
  environment: 'The environment deployed to.',
  percent:
    'The stage’s percentage for traffic commands; the first stage’s in the steps. No value under `traffic: none`.',
  backupFile: 'The backup_database step’s file; set once that step has run.',
  previousVersion:
    'The rollback target, confirmed at start: the last completed deployment’s version, else what `rollback.currentVersion` printed.',
  healthcheckUrl: 'HEALTHCHECK_URL, when set.',
  appLogFile: 'APP_LOG_FILE.',
  deploymentId: 'The deployment’s number (#12 → 12).',
  workspaceDir: 'The absolute workspace directory (WORKSPACE_DIR).',
  gitSha:
    'The commit being deployed: `git rev-parse <version>^{commit}` in the workspace when the step runs; no value when the workspace cannot resolve the version.',
};

interface Row {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string | undefined;
}

/** The JSON Schema of a plan as written (input side: durations are text), with the descriptions in it. */
export function planJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const schema: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/stagecoach/stagecoach/templates/plans/plan.schema.json',
    title: 'Stagecoach deployment plan',
    description:
      'A production deployment runbook Stagecoach runs from Slack. Generated by `npm run plan:docs` from src/plan/schema.ts; see docs/plan.md.',
    ...withoutMeta(generated),
  };
  // The loader reads `extends:` (a plan overlay) before validating.
  schema.properties = {
    extends: {
      type: 'string',
      description:
        'Overlay: the base plan this file changes, relative to it. Mappings merge by key, list entries by id.',
    },
    ...schema.properties,
  };
  walk(schema, '', () => undefined, true);
  return schema;
}

function withoutMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

/** Visits every key below `schema`, setting its description from the map. */
function walk(schema: JsonSchema, path: string, visit: (row: Row) => void, annotate: boolean): void {
  const members = schema.oneOf ?? schema.anyOf;
  if (members) {
    for (const member of members) {
      const kind = member.properties?.kind?.const;
      const memberPath = typeof kind === 'string' ? `${path}{${kind}}` : path;
      if (typeof kind === 'string') describe(member, memberPath, annotate);
      walk(member, memberPath, visit, annotate);
    }
  }
  if (schema.type === 'array' && schema.items) {
    const items = schema.items;
    if (items.properties || items.oneOf || items.anyOf) walk(items, `${path}[]`, visit, annotate);
    else if (descriptions[`${path}[]`]) describe(items, `${path}[]`, annotate);
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object' && !schema.properties) {
    const value = schema.additionalProperties;
    const valuePath = `${path}.<name>`;
    describe(value, valuePath, annotate);
    visit(rowOf(valuePath, value, false));
    walk(value, valuePath, visit, annotate);
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    describe(child, childPath, annotate);
    visit(rowOf(childPath, child, (schema.required ?? []).includes(key)));
    walk(child, childPath, visit, annotate);
  }
}

function describe(schema: JsonSchema, path: string, annotate: boolean): void {
  const text = descriptions[path];
  if (annotate && text) schema.description = text;
}

function rowOf(path: string, schema: JsonSchema, required: boolean): Row {
  return {
    path,
    type: typeOf(schema),
    required,
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    description: descriptions[path] ?? schema.description,
  };
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  const members = schema.oneOf ?? schema.anyOf;
  if (members) {
    const kinds = members.map((member) =>
      member.properties?.kind?.const !== undefined ? `kind: ${member.properties.kind.const}` : typeOf(member),
    );
    return [...new Set(kinds)].join(' \\| ');
  }
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  if (schema.type === 'object') return schema.properties ? 'mapping' : 'mapping of names';
  if (schema.type === 'integer') return 'whole number';
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
}

/** docs/plan.md. */
export function planReference(schema: JsonSchema): string {
  const rows: Row[] = [];
  walk(schema, '', (row) => rows.push(row), false);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const defaultOf = (row: Row) =>
    row.default !== undefined
      ? `default \`${JSON.stringify(row.default)}\``
      : row.required
        ? '**required**'
        : 'optional';
  const undocumented = rows.filter((row) => !row.description).map((row) => row.path);
  const sections = Object.keys(schema.properties ?? {}).map((top) => {
    const own = rows.filter(
      (row) =>
        row.path === top ||
        row.path.startsWith(`${top}.`) ||
        row.path.startsWith(`${top}[`) ||
        row.path.startsWith(`${top}{`),
    );
    const lines = [
      `### \`${top}\``,
      '',
      '| key | type | | what it does |',
      '| --- | --- | --- | --- |',
      ...own.map(
        (row) =>
          `| \`${row.path}\` | ${row.type} | ${defaultOf(row)} | ${cell(row.description ?? '*undocumented: add it to scripts/plan-reference.ts*')} |`,
      ),
    ];
    return lines.join('\n');
  });
  const variables = templateVariables.map(
    (name) => `| \`{{${name}}}\` | ${variableDescriptions[name] ?? '*undocumented*'} |`,
  );
  return [
    '<!-- Generated by `npm run plan:docs` (scripts/plan-reference.ts) from src/plan/schema.ts: do not edit by hand. -->',
    '# Plan reference',
    '',
    'A plan is the YAML runbook Stagecoach runs (`PLAN_FILE`, default `templates/plans/medplum-v4.yaml`).',
    'Check one, with the workspace it runs in, before anyone starts it:',
    '',
    '```sh',
    'npm run validate -- my-plan.yaml --workspace ../my-app',
    '```',
    '',
    'Editors check plans as they are typed with `templates/plans/plan.schema.json` (for the YAML',
    'language server, put `# yaml-language-server: $schema=plan.schema.json` on a plan’s first line).',
    'Both files are generated: after changing the schema, run `npm run plan:docs`.',
    '',
    handWritten,
    '## Template variables',
    '',
    'Commands, working directories, URLs, metric queries, log files and `env` values may use',
    '`{{name}}` (spaces inside the braces allowed). A value is substituted as one argument, never',
    'split or handed to a shell. A variable without a value refuses the command instead of running it',
    'with a blank. Besides the built-in variables below, a plan may compute its own at start',
    '(`variables`).',
    '',
    '| variable | value |',
    '| --- | --- |',
    ...variables,
    '',
    '## Keys',
    '',
    'Durations are written `30s`, `30m`, `24h`, `5d`, `1w` or ISO 8601 (`PT30M`). Paths: `[]` is each',
    'entry of a list, `{kind}` one step kind, `<name>` any name in a mapping.',
    '',
    ...(undocumented.length > 0
      ? [`Undocumented keys: ${undocumented.map((path) => `\`${path}\``).join(', ')}.`, '']
      : []),
    sections.join('\n\n'),
    '',
  ].join('\n');
}

const handWritten = `## Checked before start

- **At start-up** Stagecoach refuses a plan that does not validate: one line per problem, with the
  file, the key, the fix and the line.
- **\`npm run validate\`** also checks the workspace: every program (a path such as
  \`./deploy.sh\`, relative to the step's \`cwd\`, must exist and be executable; a bare name such
  as \`npm\` or \`pg_dump\` must be on PATH), every \`cwd\` and the notice template. On success it
  prints what will run in which order.
- **\`/deploy start\`** (and \`--dry-run\`) checks programs and paths again before anything
  changes, and every secret the deployment's commands get for its environment (the plan's
  \`secrets\`, \`perEnvironment.<environment>.secrets\`, a command step's): one not set in
  Stagecoach's environment is named, with the steps that need it. It refuses with the list of
  problems. A program or directory below a directory that
  does not exist yet is not refused when an earlier step's command or \`cwd\` mentions \`git\`,
  \`checkout\` or \`clone\`: that step is taken to create it.
- **The way back**: before a real deployment is recorded, start confirms the rollback target (the
  last completed deployment of the environment, else what \`rollback.currentVersion\` prints) and,
  unless \`rollback.restoreDatabase.when\` is \`never\`, that \`APP_DATABASE_URL\` is set and
  \`pg_dump\` is on PATH. If not, nothing starts and the answer says why;
  \`/deploy start <version> --without-rollback-target\` starts anyway, written to the audit log and
  flagged in the thread.
- **Redeploying** the version the rollback target names (it is already running) is refused
  unless asked for with \`/deploy start <version> --redeploy\`.
- **The plan's \`variables\`** are computed last, before the deployment is recorded: one whose
  command fails or prints nothing refuses the start, naming it.

## What a step gets

- A command runs without a shell: \`command\` is an argument list, the first element the program.
  It runs in the workspace (\`WORKSPACE_DIR\`) or its \`cwd\` below it, in its own process group;
  at its \`timeout\` the whole group is stopped. Its output's last lines are kept, with secrets
  redacted, and shown when it fails.
- Its environment is minimal: from Stagecoach's own only \`PATH\`, \`HOME\`, \`LANG\`,
  \`LANGUAGE\`, \`LC_*\`, \`TZ\`, \`TMPDIR\`, \`USER\`, \`LOGNAME\` and \`SHELL\`; never Stagecoach's
  credentials or settings. Stagecoach sets \`STAGECOACH_DEPLOYMENT_ID\`, \`STAGECOACH_VERSION\`,
  \`STAGECOACH_ENVIRONMENT\`, \`STAGECOACH_PREVIOUS_VERSION\`, \`STAGECOACH_GIT_SHA\`,
  \`STAGECOACH_STEP_ID\` and, on a traffic step, \`STAGECOACH_PERCENT\`. The plan passes the rest by
  name: \`env\` values (template variables allowed) and \`secrets\` (names taken from Stagecoach's
  environment on purpose, their values redacted from every output, log and message), at the plan
  level, under \`perEnvironment.<environment>\`, and on the step, the most specific winning.
- \`backup_database\` runs \`pg_dump\` against \`APP_DATABASE_URL\` (given to it as libpq
  variables, never on the command line) into \`BACKUP_DIR\`, then \`pg_restore --list\` to prove
  the file readable.
- A dry run (\`--dry-run\`) runs nothing but the plan's \`variables\` commands: each step is
  listed as what it would run. It gets no go/no-go deadline, check-ins, reviews or monitor polls.

## How traffic moves

1. The steps run in order. With \`traffic: { command }\`, stage 1's shift runs after them at the
   first stage's percent; with the older \`trafficShift\`, the one command step passing
   \`{{percent}}\` is stage 1's shift. With \`traffic: none\` nothing moves traffic and stages are
   observation windows.
2. Once stage 1 is live the go/no-go decision is due within \`goNoGo.after\` of the start;
   monitoring starts (metrics every \`monitoring.pollEvery\`, check-ins, reviews).
3. Each stage soaks for its \`minSoak\`; then the stage's \`approvers\` get [Promote to N%]
   (\`/deploy approve\`). Before the soak ends, [Promote early…] on the stage's message (a form
   asking why) or \`/deploy approve --skip-soak <reason>\` promotes at once, flagged in the audit
   log. Promotion runs the traffic command with the next stage's \`{{percent}}\`.
4. At 100% the success window (\`successCriteria.window\`) starts; the integration checks run at
   its end, and the deployment is declared complete.
5. A rollback runs \`rollback.revert\` with \`{{previousVersion}}\`, then offers the database
   restore when \`rollback.restoreDatabase.when\` says so.

## Time scaling

\`TIME_SCALE\` (default 1) divides every wall-clock delay of the plan: soaks, the go/no-go
deadline, check-ins and their answer windows, reviews, notices, metric polling, the success
window and the T+1w report. \`REHEARSAL_DECISION_SCALE\`, when set, divides the delays that wait
for a person (go/no-go, check-in answers, the auto-rollback grace) instead, so people answer in
real time while soaks fly by. Step and command \`timeout\`s are never scaled: they protect real
commands.
`;

function writeOrCheck(check: boolean): string[] {
  const files = Object.entries(generated());
  const stale: string[] = [];
  for (const [file, text] of files) {
    const path = `${root}${file}`;
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // Missing counts as out of date.
    }
    if (current === text) continue;
    stale.push(file);
    if (!check) writeFileSync(path, text);
  }
  return stale;
}

/** The generated text of both files, for the test. */
export function generated(): Record<string, string> {
  const schema = planJsonSchema();
  return {
    [schemaFile]: formatJson(JSON.stringify(schema, null, 2)),
    [referenceFile]: planReference(schema),
  };
}

/** The JSON as Biome (`npm run lint`) formats it, so the generated file passes the lint as written. */
function formatJson(json: string): string {
  return execFileSync(`${root}node_modules/.bin/biome`, ['format', `--stdin-file-path=${schemaFile}`], {
    cwd: root,
    input: json,
    encoding: 'utf8',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const stale = writeOrCheck(check);
  if (check && stale.length > 0) {
    console.error(`out of date: ${stale.join(', ')}; run npm run plan:docs`);
    process.exitCode = 1;
  } else {
    console.log(
      stale.length > 0 ? `wrote ${stale.join(', ')}` : 'docs/plan.md and plan.schema.json are up to date',
    );
  }
}
