/**
 * `npm run validate -- <plan.yaml> [--workspace <dir>]`: checks a plan before anyone starts it.
 * Exit 0 when the plan is valid and every program, working directory and template it names is
 * there (the workspace: --workspace, else WORKSPACE_DIR, else the current directory), with a
 * summary of what will run in which order; otherwise exit 1 with one line per problem: the file,
 * where in the plan, the step by its id, what is wrong and the fix, and the line.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { isAppError } from '../src/errors.js';
import { missingSecrets } from '../src/infra/run/step-environment.js';
import { checkWorkspace, type WorkspaceProblem } from '../src/plan/check-workspace.js';
import { loadPlanFile } from '../src/plan/derive-plan.js';
import { formatDuration } from '../src/plan/duration.js';
import { formatPath, lineOf } from '../src/plan/load-plan.js';
import type { CommandSpec, Plan } from '../src/plan/schema.js';

interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

function main(): number {
  const { values, positionals } = parseArgs({
    options: { workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (values.help || !file || extra.length > 0) {
    console.error('usage: npm run validate -- <plan.yaml> [--workspace <dir>]');
    return values.help ? 0 : 1;
  }
  const workspaceDir = resolve(values.workspace ?? process.env.WORKSPACE_DIR ?? process.cwd());
  const sources = readSources(file);

  let plan: Plan;
  try {
    plan = loadPlanFile(file);
  } catch (error) {
    if (!isAppError(error)) throw error;
    for (const line of error.message.split('\n')) console.error(withStepId(line, sources));
    console.error(`${file}: not valid: fix the lines above, then run npm run validate again`);
    return 1;
  }

  const problems: WorkspaceProblem[] = [
    ...checkWorkspace(plan, { workspaceDir }),
    // Secrets are read from the environment Stagecoach runs in: validate where it runs.
    ...missingSecrets(plan, process.env).map((secret) => ({
      path: secret.path,
      stepId: secret.where.startsWith('step ') ? secret.where.slice(6, -1) : undefined,
      what: `the secret ${secret.name} (named by ${secret.where}) is not set in this environment`,
      fix: `set ${secret.name} where Stagecoach runs, or remove it from secrets`,
    })),
  ];
  if (problems.length > 0) {
    for (const problem of problems) console.error(problemLine(problem, sources));
    console.error(
      `${file}: the plan is valid, but ${problems.length} thing(s) it names are missing from ${workspaceDir}`,
    );
    return 1;
  }
  console.log(summary(plan, file, workspaceDir));
  return 0;
}

/** The file itself, then the base it extends (whose lines hold what the overlay does not change). */
function readSources(file: string): Source[] {
  const read = (path: string): Source | undefined => {
    try {
      const lines = new LineCounter();
      const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lines });
      return { file: path, doc, lines, data: doc.errors.length > 0 ? undefined : doc.toJS() };
    } catch {
      return undefined;
    }
  };
  const own = read(file);
  if (!own) return [];
  const base = (own.data as { extends?: unknown } | undefined)?.extends;
  const baseSource = typeof base === 'string' ? read(resolve(dirname(file), base)) : undefined;
  return baseSource ? [own, baseSource] : [own];
}

/** The step ids in plan order: an overlay keeps the base's order, so the base-most file has them. */
function stepIds(sources: Source[], list: 'steps' | 'integrationChecks'): string[] {
  const data = sources.at(-1)?.data as
    | { steps?: { id?: unknown }[]; successCriteria?: { integrationChecks?: { id?: unknown }[] } }
    | undefined;
  const items = list === 'steps' ? data?.steps : data?.successCriteria?.integrationChecks;
  return Array.isArray(items) ? items.map((item) => String(item?.id ?? '')) : [];
}

/** A loader line about `steps[3]...` names the step by its id too. */
function withStepId(line: string, sources: Source[]): string {
  const ids = stepIds(sources, 'steps');
  return line.replace(/: steps\[(\d+)\]([^:]*): /, (match, index: string, rest: string) => {
    const id = ids[Number(index)];
    return id ? `: steps[${index}]${rest} (step ${id}): ` : match;
  });
}

function problemLine(problem: WorkspaceProblem, sources: Source[]): string {
  const where = locate(problem.path, sources);
  const path = problem.path.length > 0 ? `${formatPath(problem.path)}` : 'workspace';
  const step = problem.stepId ? ` (step ${problem.stepId})` : '';
  const line = where?.line === undefined ? '' : ` (line ${where.line})`;
  return `${where?.file ?? sources[0]?.file ?? 'plan'}: ${path}${step}: ${problem.what} — fix: ${problem.fix}${line}`;
}

/**
 * The file and line where the value at `path` is written: in the overlay when it writes it (its
 * list entries found by id), else in the base plan.
 */
function locate(
  path: (string | number)[],
  sources: Source[],
): { file: string; line: number | undefined } | undefined {
  const [own, base] = sources;
  if (!own) return undefined;
  if (!base) return { file: own.file, line: lineOf(own.doc, own.lines, path) };
  const baseData = base.data as Record<string, unknown>;
  // Translate list indices of the merged plan (the base's order) to the overlay's entries by id.
  const translated: (string | number)[] = [];
  let baseNode: unknown = baseData;
  let ownNode: unknown = own.data;
  for (const key of path) {
    if (typeof key === 'number' && Array.isArray(baseNode) && Array.isArray(ownNode)) {
      const id = (baseNode[key] as { id?: unknown } | undefined)?.id;
      const index = id === undefined ? key : ownNode.findIndex((item) => item?.id === id);
      translated.push(index);
      baseNode = baseNode[key];
      ownNode = ownNode[index];
    } else {
      translated.push(key);
      baseNode = (baseNode as Record<string | number, unknown> | undefined)?.[key];
      ownNode = (ownNode as Record<string | number, unknown> | undefined)?.[key];
    }
  }
  if (path.length > 0 && !translated.includes(-1) && own.doc.hasIn(translated)) {
    return { file: own.file, line: lineOf(own.doc, own.lines, translated) };
  }
  return { file: base.file, line: lineOf(base.doc, base.lines, path) };
}

function summary(plan: Plan, file: string, workspaceDir: string): string {
  const command = (spec: Pick<CommandSpec, 'command' | 'cwd'>) =>
    `${spec.command.join(' ')}${spec.cwd ? ` (in ${spec.cwd})` : ''}`;
  const lines = [
    `${file}: valid. ${plan.name}; every program, directory and template it names is in ${workspaceDir}.`,
    '',
  ];
  const variables = Object.entries(plan.variables ?? {});
  if (variables.length > 0) {
    lines.push('Variables, computed at start:');
    for (const [name, spec] of variables) lines.push(`  {{${name}}}: the last line of ${command(spec)}`);
    lines.push('');
  }
  lines.push('Steps, in order:');
  let phase = '';
  plan.steps.forEach((step, i) => {
    if (step.phase !== phase) {
      phase = step.phase;
      lines.push(`  ${phase}`);
    }
    const run =
      step.run.kind === 'command'
        ? command(step.run)
        : step.run.kind === 'http_check'
          ? `GET ${step.run.url}`
          : step.run.kind === 'check_artifacts'
            ? `check ${step.run.path} has files`
            : step.run.kind === 'scan_log'
              ? `scan ${step.run.file}`
              : `pg_dump (${step.run.format})`;
    const optional = step.optional ? ', optional' : '';
    lines.push(
      `    ${i + 1}. ${step.id}: ${step.name}: ${run} (timeout ${formatDuration(step.timeout)}${optional})`,
    );
  });
  lines.push('', 'Stages:');
  for (const stage of plan.stages) {
    const soak = stage.minSoak > 0 ? `soak ${formatDuration(stage.minSoak)}` : 'no soak';
    // Without traffic control a stage is an observation window: no share of traffic is claimed.
    const share = plan.traffic.mode === 'none' ? stage.name : `${stage.percent}%`;
    lines.push(`  ${stage.id}: ${share} (${soak}), approved by ${stage.approvers.join(' or ')}`);
  }
  lines.push(
    plan.traffic.mode === 'none'
      ? '  no traffic control (traffic: none): stages are observation windows'
      : `  each shift runs: ${command(plan.traffic.command)}${plan.traffic.firstStageStep ? ` (stage 1: step ${plan.traffic.firstStageStep})` : ''}`,
  );
  lines.push(
    `  go/no-go within ${formatDuration(plan.goNoGo.after)} of the start, else ${plan.goNoGo.onTimeout}`,
  );
  const { rollback } = plan;
  lines.push('', 'Rollback:', `  revert: ${command(rollback.revert)}`);
  lines.push(
    rollback.currentVersion
      ? `  rollback target: the last completed deployment, else what ${command(rollback.currentVersion)} prints`
      : '  rollback target: the last completed deployment only (no rollback.currentVersion)',
  );
  lines.push(
    `  database restore: ${rollback.restoreDatabase.when}${rollback.restoreDatabase.when === 'never' ? '' : ' (needs APP_DATABASE_URL and pg_dump)'}`,
  );
  if (plan.successCriteria.integrationChecks.length > 0) {
    lines.push('', `Integration checks (success window ${formatDuration(plan.successCriteria.window)}):`);
    for (const check of plan.successCriteria.integrationChecks)
      lines.push(`  ${check.id}: ${command(check)}`);
  }
  return lines.join('\n');
}

process.exitCode = main();
