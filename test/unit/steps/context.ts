// A step context for unit tests: a scratch workspace and a deployment that began an hour ago.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedactor } from '../../../src/infra/run/redact.js';
import type { StepContext } from '../../../src/steps/step-kind.js';

export async function makeWorkspaceDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'stagecoach-steps-'));
}

export function makeContext(workspaceDir: string, overrides: Partial<StepContext> = {}): StepContext {
  return {
    vars: { version: 'v4.0.0', environment: 'production', percent: '10', workspaceDir },
    env: {},
    settings: { workspaceDir, backupDir: path.join(workspaceDir, 'backups') },
    deployment: {
      id: 7,
      environment: 'production',
      version: 'v4.0.0',
      createdAt: new Date(Date.now() - 3_600_000),
      backupFile: null,
    },
    timeoutMs: 10_000,
    redact: createRedactor([]),
    startedAt: Date.now(),
    ...overrides,
  };
}

/** The first problem zod reports for `input`, or undefined when it parses. */
export function firstProblem(
  schema: { safeParse(input: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  input: unknown,
): string | undefined {
  const result = schema.safeParse(input);
  return result.success ? undefined : result.error?.issues[0]?.message;
}
