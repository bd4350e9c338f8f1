// Runs a `kind: command` step: the program and its arguments in the workspace, never through a shell.
import { resolve } from 'node:path';
import { runCommand } from '../infra/run/run-command.js';
import { substitute } from '../plan/variables.js';
import type { CommandRun } from './command.schema.js';
import type { StepKind } from './step-kind.js';

const defaultSchemaChangedPattern = /schema changed:\s*yes/i;

export const commandStep: StepKind<CommandRun> = {
  kind: 'command',
  async execute(run, ctx) {
    const outcome = await runCommand({
      command: substitute(run.command, ctx.vars),
      cwd: resolve(ctx.settings.workspaceDir, run.cwd ?? '.'),
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      redact: ctx.redact,
      baseEnv: ctx.settings.stepEnv,
    });
    if (run.records !== 'schema_changed') return outcome;
    const pattern = run.schemaChangedPattern
      ? new RegExp(run.schemaChangedPattern, 'im')
      : defaultSchemaChangedPattern;
    // Only a migration that finished can be trusted to say whether it changed the schema.
    return { ...outcome, schemaChanged: outcome.status === 'succeeded' && pattern.test(outcome.outputTail) };
  },
  dryRunText: (run, vars) => substitute(run.command, vars).join(' '),
};
