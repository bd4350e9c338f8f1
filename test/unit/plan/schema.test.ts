import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AppError } from '../../../src/errors.js';
import { loadPlan, parsePlan } from '../../../src/plan/load-plan.js';

const planFile = 'templates/plans/medplum-v4.yaml';
const hour = 3_600_000;

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw YAML data freely, including into invalid shapes.
type RawPlan = Record<string, any>;

function parseEdited(edit: (plan: RawPlan) => void) {
  const raw = parse(readFileSync(planFile, 'utf8')) as RawPlan;
  edit(raw);
  return parsePlan(stringify(raw), 'templates/plans/bad.yaml');
}

/** The problem lines of a plan that must be rejected. */
function problems(edit: (plan: RawPlan) => void): string[] {
  try {
    parseEdited(edit);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_plan');
    return (error as AppError).message.split('\n');
  }
  throw new Error('the plan was accepted');
}

/** A step of the plan, failing the test clearly when it is missing. */
function stepOf(plan: { steps: { id: string }[] }, id: string) {
  const step = plan.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`the plan has no step ${id}`);
  return step as never as import('../../../src/plan/schema.js').Step;
}

describe('the shipped Medplum v4 plan', () => {
  const plan = loadPlan(planFile);

  it('runs the ten runbook steps in order', () => {
    expect(plan.steps.map((step) => step.id)).toEqual([
      'verification_tests',
      'database_backup',
      'build',
      'artifact_check',
      'infrastructure',
      'frontend',
      'migrations',
      'smoke_tests',
      'health_check',
      'log_scan',
    ]);
    expect(plan.steps.map((step) => step.phase)).toEqual([
      ...Array(4).fill('pre_deployment'),
      ...Array(3).fill('execution'),
      ...Array(3).fill('verification'),
    ]);
  });

  it('runs commands as argument lists with variables', () => {
    const infrastructure = stepOf(plan, 'infrastructure');
    expect(infrastructure.run).toEqual({
      kind: 'command',
      command: ['npm', 'run', 'deploy', '--', '--stage={{environment}}'],
      cwd: 'packages/cdk',
    });
    expect(infrastructure.timeout).toBe(45 * 60_000);
    const migrations = stepOf(plan, 'migrations');
    expect(migrations.run).toMatchObject({ kind: 'command', records: 'schema_changed' });
    const health = stepOf(plan, 'health_check');
    expect(health.run).toEqual({
      kind: 'http_check',
      url: '{{healthcheckUrl}}',
      expectStatus: 200,
      expectBodyContains: 'status',
    });
  });

  it('rolls out 10% for 24h, 50% for 48h, then 100%', () => {
    expect(plan.stages.map((stage) => [stage.id, stage.percent, stage.minSoak])).toEqual([
      ['canary', 10, 24 * hour],
      ['expanded', 50, 48 * hour],
      ['full', 100, 0],
    ]);
    expect(plan.stages[2]?.validationCriteria).toHaveLength(3);
  });

  it('keeps the schedule table of section 8', () => {
    expect(plan.schedule).toHaveLength(12);
    expect(plan.schedule.map((item) => item.at)).toEqual([
      '-5d',
      '-2d',
      '-1d',
      '+0h',
      '+1h',
      '+2h',
      '+24h',
      '+26h',
      '+72h',
      '+74h',
      '+76h',
      '+1w',
    ]);
    expect(plan.schedule[0]).toMatchObject({
      activity: 'Send maintenance notification',
      owner: 'communications_team',
    });
    expect(plan.schedule[10]).toMatchObject({
      activity: 'Declare deployment complete',
      owner: 'project_lead',
    });
    expect(plan.schedule[11]).toMatchObject({ owner: 'all_teams' });
  });

  it('decides within 30 minutes and pages the leads when nobody does', () => {
    expect(plan.goNoGo).toEqual({
      after: 30 * 60_000,
      onTimeout: 'hold',
      page: ['deployment_lead', 'project_lead'],
    });
    expect(plan.rollback.triggers).toHaveLength(4);
    expect(plan.rollback.restoreDatabase).toEqual({ when: 'schema_changed', timeout: 60 * 60_000 });
    expect(plan.rollback.lockEnvironmentAfter).toBe(true);
  });

  it('names the roles of section 9 plus the project lead, and the teams they form', () => {
    const roleIds = plan.roles.map((role) => role.id);
    expect(roleIds).toEqual([
      'deployment_lead',
      'database_admin',
      'frontend_lead',
      'backend_lead',
      'qa_lead',
      'support_lead',
      'project_lead',
    ]);
    expect(plan.teams.find((team) => team.id === 'all_teams')?.roles).toEqual(roleIds);
    expect(plan.authorization.restoreDatabase).toEqual(['database_admin', 'deployment_lead']);
    expect(plan.authorization.declareComplete).toEqual(['project_lead']);
  });

  it('monitors the health metrics of section 4.1 on the 4.2 schedule', () => {
    const ids = plan.monitoring.metrics.map((metric) => metric.id);
    for (const id of [
      'api_p95_latency',
      'error_rate',
      'cpu',
      'memory',
      'db_pool',
      'login_success_rate',
      'client_error_rate',
    ]) {
      expect(ids).toContain(id);
    }
    expect(
      plan.monitoring.metrics.every((metric) => metric.noData === 'unknown' && metric.consecutive >= 1),
    ).toBe(true);
    expect(plan.monitoring.checkIns).toEqual({ every: 30 * 60_000, for: 6 * hour, pageAfterMissed: 2 });
    expect(plan.successCriteria.window).toBe(72 * hour);
    expect(plan.successCriteria.criteria).toHaveLength(4);
    expect(plan.documentationUpdates).toHaveLength(4);
  });

  it('points at a notification template with the placeholders it fills', () => {
    expect(existsSync(plan.notificationTemplate)).toBe(true);
    const template = readFileSync(plan.notificationTemplate, 'utf8');
    for (const name of [
      'version',
      'application',
      'windowStart',
      'timezone',
      'duration',
      'impact',
      'contacts',
    ]) {
      expect(template).toContain(`{{${name}}}`);
    }
  });
});

describe('a plan with mistakes', () => {
  it('names the file, the path, the problem and the fix on one line', () => {
    const lines = problems((plan) => {
      plan.stages[1].percent = 150;
    });
    expect(lines[0]).toMatch(
      /^templates\/plans\/bad\.yaml: stages\[1\]\.percent: expected a number from 1 to 100 — fix: .+/,
    );
  });

  it('refuses an approver who is not a defined role', () => {
    const lines = problems((plan) => {
      plan.stages[0].approvers = ['release_manager'];
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /bad\.yaml: stages\[0\]\.approvers\[0\]: unknown role 'release_manager' — fix: define it under roles/,
      ),
    ]);
  });

  it('accepts a shell-looking argument, because no shell ever sees it', () => {
    const plan = parseEdited((raw) => {
      raw.steps[0].run.command = ['rm -rf / && x'];
    });
    expect(plan.steps[0]?.run).toMatchObject({ command: ['rm -rf / && x'] });
  });

  it('refuses a template variable outside the whitelist', () => {
    const lines = problems((plan) => {
      plan.steps[0].run.command = ['./deploy.sh', '--token={{unknownVar}}'];
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /steps\[0\]\.run\.command\[1\]: unknown template variable \{\{unknownVar\}\} — fix: use one of \{\{version\}\}/,
      ),
    ]);
  });

  it("catches the runbook's single-brace {environment}", () => {
    const lines = problems((plan) => {
      plan.steps[4].run.command[4] = '--stage={environment}';
    });
    expect(lines[0]).toContain('steps[4].run.command[4]: {environment} has single braces');
  });

  it('refuses a command written as one shell string', () => {
    const lines = problems((plan) => {
      plan.steps[2].run.command = 'npm run build';
    });
    expect(lines[0]).toMatch(
      /steps\[2\]\.run\.command: expected a list of arguments — fix: write the command as a YAML list/,
    );
  });

  it('refuses a variable substituted into sh -c', () => {
    const lines = problems((plan) => {
      plan.steps[6].run.command = ['sh', '-c', 'npm run migrate -- {{version}}'];
    });
    expect(lines[0]).toContain('steps[6].run.command: substitutes a variable into a shell script');
  });

  it('refuses duplicate step ids', () => {
    const lines = problems((plan) => {
      plan.steps[3].id = 'build';
    });
    expect(lines).toEqual([expect.stringMatching(/steps\[3\]\.id: duplicate step id 'build' — fix: /)]);
  });

  it('refuses a rollout that never reaches 100%', () => {
    const lines = problems((plan) => {
      plan.stages.pop();
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /bad\.yaml: stages: the last stage stops at 50%.* — fix: add a final stage with percent: 100/,
      ),
    ]);
  });

  it('refuses stages that do not grow', () => {
    const lines = problems((plan) => {
      plan.stages[1].percent = 10;
    });
    expect(lines[0]).toContain("stages[1].percent: 10% does not grow from the previous stage's 10%");
  });

  it('suggests the right spelling of an unknown key', () => {
    const lines = problems((plan) => {
      plan.stages[0].min_soak = plan.stages[0].minSoak;
      delete plan.stages[0].minSoak;
    });
    expect(lines).toContainEqual(
      expect.stringContaining("stages[0]: unknown key 'min_soak' — fix: rename 'min_soak' to 'minSoak'"),
    );
    expect(lines).toContainEqual(
      expect.stringContaining('stages[0].minSoak: is missing — fix: add minSoak (expected a duration'),
    );
  });

  it('explains a duration it cannot read', () => {
    const lines = problems((plan) => {
      plan.steps[4].timeout = '45 minutes';
    });
    expect(lines[0]).toContain('steps[4].timeout: expected a duration like 30m, 24h, 5d or PT30M — fix: ');
  });

  it('asks for a unit when a duration is a bare number', () => {
    const lines = problems((plan) => {
      plan.steps[4].timeout = 45;
    });
    expect(lines[0]).toContain(
      "steps[4].timeout: expected a duration like 30m, 24h, 5d or PT30M — fix: add a unit, e.g. '45m'",
    );
  });

  it('refuses a zero check-in interval, which would never stop firing', () => {
    const lines = problems((plan) => {
      plan.monitoring.checkIns.every = '0s';
    });
    expect(lines[0]).toContain('monitoring.checkIns.every: must be longer than zero');
  });

  it('refuses an unknown step kind and lists the known ones', () => {
    const lines = problems((plan) => {
      plan.steps[9].run.kind = 'scan_logs';
    });
    expect(lines[0]).toContain(
      "steps[9].run.kind: unknown kind 'scan_logs' — fix: use one of: command, backup_database",
    );
  });

  it('refuses a schedule owner that is neither a role nor a team', () => {
    const lines = problems((plan) => {
      plan.schedule[1].owner = 'qa_squad';
    });
    expect(lines[0]).toContain("schedule[1].owner: unknown owner 'qa_squad'");
  });

  it('refuses a schedule offset without a sign', () => {
    const lines = problems((plan) => {
      plan.schedule[0].at = '5d';
    });
    expect(lines[0]).toContain('schedule[0].at: expected an offset from the window start');
  });

  it('refuses a version pattern that does not match the whole version', () => {
    for (const pattern of ['v\\d+', '^v1|v2$', '^v1\\$']) {
      const lines = problems((plan) => {
        plan.versionPattern = pattern;
      });
      expect(lines[0]).toContain('versionPattern: must match the whole version');
    }
  });

  it('refuses a default environment that is not listed', () => {
    const lines = problems((plan) => {
      plan.defaultEnvironment = 'prod';
    });
    expect(lines[0]).toContain(
      "defaultEnvironment: 'prod' is not one of the environments — fix: use one of: production, staging",
    );
  });

  it('refuses a time zone the system does not know', () => {
    const lines = problems((plan) => {
      plan.timezone = 'Mars/Olympus';
    });
    expect(lines[0]).toContain('timezone: is not a time zone');
  });

  it('refuses a database restore on schema change when no step records it', () => {
    const lines = problems((plan) => {
      delete plan.steps[6].run.records;
    });
    expect(lines[0]).toContain(
      'rollback.restoreDatabase.when: is schema_changed but no step records schema_changed',
    );
  });

  it('refuses a working directory outside the workspace', () => {
    const lines = problems((plan) => {
      plan.steps[2].run.cwd = '../../etc';
    });
    expect(lines[0]).toContain('steps[2].run.cwd: must stay inside the workspace');
  });

  it('reports every problem, one per line', () => {
    const lines = problems((plan) => {
      plan.stages[1].percent = 150;
      plan.steps[0].timeout = 'later';
      plan.goNoGo.onTimeout = 'wait';
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^templates\/plans\/bad\.yaml: [\w.[\]]+: .+ — fix: .+/);
  });
});
