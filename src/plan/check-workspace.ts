// What a plan names outside itself: programs, working directories and the notice template. Used by
// `npm run validate` (scripts/validate.ts) and by `/deploy start` before anything changes.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { FieldPath } from './fields.js';
import type { Plan } from './schema.js';
import { findVariables } from './variables.js';

export interface WorkspaceProblem {
  /** Where in the plan, as zod paths read: `['steps', 2, 'run', 'command', 0]`. */
  path: FieldPath;
  /** The step the problem belongs to, when it is a step's. */
  stepId?: string | undefined;
  what: string;
  fix: string;
}

export interface WorkspaceCheckOptions {
  /** Where plan commands run (WORKSPACE_DIR). */
  workspaceDir: string;
  /** The PATH bare program names are looked up on (the step environment's). */
  path?: string | undefined;
}

/** The template a plan gets when it names none; Stagecoach ships a copy. */
export const defaultNotificationTemplate = 'templates/notification-template.md';

interface CommandUse {
  path: FieldPath;
  stepId?: string | undefined;
  command: string[];
  cwd?: string | undefined;
  /** Index in plan.steps of the step that runs it; commands outside the steps come after all of them. */
  position: number;
}

/**
 * Every program, working directory and template the plan names that is missing from the
 * workspace. A program or directory under a directory that does not exist yet is not a problem
 * when an earlier step checks the code out: a step whose command or cwd mentions `git`,
 * `checkout` or `clone` (docs/plan.md, "Checked before start").
 */
export function checkWorkspace(plan: Plan, options: WorkspaceCheckOptions): WorkspaceProblem[] {
  const workspace = resolve(options.workspaceDir);
  const problems: WorkspaceProblem[] = [];
  if (!isDirectory(workspace)) {
    return [
      {
        path: [],
        what: `the workspace ${workspace} does not exist`,
        fix: 'set WORKSPACE_DIR (or --workspace) to the application checkout',
      },
    ];
  }
  const uses = commandUses(plan);
  const checkoutBefore = (position: number) =>
    uses.some(
      (use) => use.position < position && [...use.command, use.cwd ?? ''].some((arg) => checksOut(arg)),
    );
  // Missing, yet under a directory an earlier checkout step creates.
  const createdLater = (target: string, position: number) =>
    checkoutBefore(position) && !isDirectory(topDirectory(workspace, target));

  for (const use of uses) {
    const at = (field: FieldPath) => [...use.path, ...field];
    let cwd = workspace;
    if (use.cwd !== undefined && findVariables(use.cwd).length === 0) {
      cwd = resolve(workspace, use.cwd);
      if (!isDirectory(cwd)) {
        if (!createdLater(cwd, use.position))
          problems.push({
            path: at(['cwd']),
            stepId: use.stepId,
            what: `working directory '${use.cwd}' does not exist in ${workspace}`,
            fix: 'create it, fix cwd (relative to the workspace), or point --workspace/WORKSPACE_DIR at the checkout',
          });
        continue;
      }
    } else if (use.cwd !== undefined) {
      continue;
    }
    const program = use.command[0];
    if (program === undefined || findVariables(program).length > 0) continue;
    const problem = checkProgram(program, cwd, options.path ?? process.env.PATH ?? '');
    if (problem && !(program.includes('/') && createdLater(resolve(cwd, program), use.position))) {
      problems.push({ path: at(['command', 0]), stepId: use.stepId, ...problem });
    }
  }

  // A backup step runs pg_dump, then proves the dump readable with pg_restore.
  plan.steps.forEach((step, i) => {
    if (step.run.kind !== 'backup_database') return;
    for (const program of ['pg_dump', 'pg_restore']) {
      const problem = checkProgram(program, workspace, options.path ?? process.env.PATH ?? '');
      if (problem)
        problems.push({
          path: ['steps', i, 'run', 'kind'],
          stepId: step.id,
          what: problem.what,
          fix: 'install the PostgreSQL client tools (e.g. apt-get install postgresql-client)',
        });
    }
  });

  // Read from the workspace, like every path a plan names; only the default path may fall back to
  // the template Stagecoach ships (src/schedule/notices.ts#notificationTemplatePath).
  const template = resolve(options.workspaceDir, plan.notificationTemplate);
  if (!isFile(template) && plan.notificationTemplate !== defaultNotificationTemplate) {
    problems.push({
      path: ['notificationTemplate'],
      what: `the notice template ${template} does not exist`,
      fix: 'add it to the workspace or fix notificationTemplate (relative to WORKSPACE_DIR)',
    });
  }
  return problems;
}

/** Every command the plan runs, in the order they can run: variables, steps, then shifts, rollback and checks. */
function commandUses(plan: Plan): CommandUse[] {
  const after = plan.steps.length;
  // The plan's variables are computed at start, before the first step: no checkout precedes them.
  const uses: CommandUse[] = Object.entries(plan.variables ?? {}).map(([name, spec]) => ({
    path: ['variables', name],
    command: spec.command,
    cwd: spec.cwd,
    position: 0,
  }));
  plan.steps.forEach((step, i) => {
    if (step.run.kind === 'command')
      uses.push({
        path: ['steps', i, 'run'],
        stepId: step.id,
        command: step.run.command,
        cwd: step.run.cwd,
        position: i,
      });
  });
  if (plan.traffic.mode === 'command')
    uses.push({
      path: [plan.traffic.firstStageStep ? 'trafficShift' : 'traffic'],
      ...plan.traffic.command,
      position: after,
    });
  uses.push({ path: ['rollback', 'revert'], ...plan.rollback.revert, position: after });
  if (plan.rollback.currentVersion)
    uses.push({ path: ['rollback', 'currentVersion'], ...plan.rollback.currentVersion, position: after });
  plan.successCriteria.integrationChecks.forEach((check, i) => {
    uses.push({
      path: ['successCriteria', 'integrationChecks', i],
      stepId: check.id,
      command: check.command,
      cwd: check.cwd,
      position: after,
    });
  });
  return uses;
}

const checksOut = (arg: string) => /(^|[^a-z])(git|checkout|clone)([^a-z]|$)/i.test(arg);

/** The first directory below the workspace on the way to `target`. */
function topDirectory(workspace: string, target: string): string {
  const rest = target.slice(workspace.length + 1).split('/')[0] ?? '';
  return join(workspace, rest);
}

function checkProgram(program: string, cwd: string, path: string): { what: string; fix: string } | undefined {
  if (program.includes('/')) {
    const file = isAbsolute(program) ? program : resolve(cwd, program);
    if (!isFile(file))
      return {
        what: `program '${program}' does not exist (looked for ${file})`,
        fix: 'fix the path (relative to the step cwd, or the workspace without one) or add the file to the checkout',
      };
    if (!isExecutable(file))
      return { what: `program '${program}' is not executable`, fix: `run chmod +x ${file}` };
    return undefined;
  }
  return isOnPath(program, path)
    ? undefined
    : {
        what: `program '${program}' is not on PATH`,
        fix: `install ${program} on this host, or write its path, e.g. './${program}'`,
      };
}

/** Whether a bare program name is an executable file in one of PATH's directories. */
export function isOnPath(program: string, path: string): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      const file = join(dir, program);
      return isFile(file) && isExecutable(file);
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A problem as one line: what, then the fix. */
export function describeWorkspaceProblem(problem: WorkspaceProblem): string {
  const [key, name] = problem.path;
  const where = problem.stepId
    ? `step ${problem.stepId}: `
    : key === 'variables' && name !== undefined
      ? `variable ${name}: `
      : '';
  return `${where}${problem.what} — fix: ${problem.fix}`;
}
