// Runs a `kind: command` step: the program and its arguments in the workspace, never through a shell.
import { resolve } from 'node:path';
import { runCommand } from '../infra/run/run-command.js';
import { substitute } from '../plan/variables.js';
import type { CommandRun } from './command.schema.js';
import { watchSchemaChange } from './schema-change.js';
import type { StepKind } from './step-kind.js';

export const commandStep: StepKind<CommandRun> = {
  kind: 'command',
  async execute(run, ctx) {
    const records = run.records === 'schema_changed';
    const watch = watchSchemaChange(run);
    let ran = false;
    const outcome = await runCommand({
      command: substitute(run.command, ctx.vars),
      cwd: resolve(ctx.settings.workspaceDir, run.cwd ?? '.'),
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      redact: ctx.redact,
      baseEnv: ctx.env,
      onStart: (processGroup) => {
        ran = true;
        ctx.onProcessGroup?.(processGroup);
      },
      ...(records && { onLine: watch.see }),
    });
    if (!records) return outcome;
    return { ...outcome, schemaChanged: watch.changed(ran) };
  },
  dryRunText: (run, vars) => substitute(run.command, vars).join(' '),
};
