// README "What a step gets", end to end: the bot's environment holds its own settings and a
// credential for the deploy script; a step sees the credential only because the plan lists it, and
// its value never reaches the stored output or Slack, even when the step fails and shows its output.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';

const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const botSettings = {
  SLACK_BOT_TOKEN: 'xoxb-integration-bot-token',
  STATUS_WEBHOOK_URL: 'https://status.example.com/hooks/integration',
  PROMETHEUS_URL: 'http://prometheus.internal:9090',
  INAPP_WEBHOOK_URL: 'https://app.example.com/hooks/integration',
};

// Prints every variable it got, writes them to env.json, and fails: the failure post shows the output.
const printEnv = `import { writeFileSync } from 'node:fs';
writeFileSync('env.json', JSON.stringify(process.env));
for (const [name, value] of Object.entries(process.env).sort()) console.log(name + '=' + value);
process.exit(1);
`;

/** The plan with a first step running print-env.mjs; `secrets` at plan level when given. */
const withEnvStep =
  (secrets?: string[]) =>
  (plan: Plan): Plan => ({
    ...plan,
    ...(secrets ? { secrets } : {}),
    steps: [
      {
        id: 'show_env',
        name: 'Show the environment',
        phase: 'pre_deployment',
        timeout: 60_000,
        run: { kind: 'command', command: [process.execPath, 'print-env.mjs'] },
      },
      ...plan.steps,
    ],
  });

describe('the environment a step runs with', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    vi.unstubAllEnvs();
  });

  async function runShowEnv(secrets?: string[]) {
    // The bot's own environment: what main.ts hands the runtime.
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', awsSecret);
    for (const [name, value] of Object.entries(botSettings)) vi.stubEnv(name, value);
    // People decide in real time: the 30-minute go/no-go deadline cannot hold the failed step.
    h = await startHarness({ plan: withEnvStep(secrets), env: { REHEARSAL_DECISION_SCALE: '1' } });
    const harness = h;
    await writeFile(join(harness.workspace.dir, 'print-env.mjs'), printEnv);
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'step_failed', 20_000);
    await harness.outboxDrained();
    const seen = JSON.parse(await readFile(join(harness.workspace.dir, 'env.json'), 'utf8')) as Record<
      string,
      string
    >;
    const stored = (
      await harness.db.query<{ output_tail: string; summary: string }>(
        `SELECT output_tail, summary FROM step_runs WHERE step_id = 'show_env'`,
      )
    ).rows[0];
    const slack = JSON.stringify([harness.slack.calls, harness.slack.responses]);
    return { seen, stored, slack };
  }

  it("never gives a step the bot's token or settings, nor a credential the plan does not ask for", async () => {
    const { seen, stored, slack } = await runShowEnv();
    for (const name of [...Object.keys(botSettings), 'AWS_SECRET_ACCESS_KEY']) {
      expect(seen, name).not.toHaveProperty(name);
    }
    expect(seen).toMatchObject({ STAGECOACH_VERSION: 'v4.0.0', STAGECOACH_ENVIRONMENT: 'production' });
    expect(seen.PATH).toBe(process.env.PATH);
    expect(stored?.output_tail).toContain('STAGECOACH_DEPLOYMENT_ID=1');
    expect(slack).toContain('STAGECOACH_DEPLOYMENT_ID=1');
  });

  it('gives a step a credential the plan lists in secrets, redacted from the stored output and Slack', async () => {
    const { seen, stored, slack } = await runShowEnv(['AWS_SECRET_ACCESS_KEY']);
    expect(seen.AWS_SECRET_ACCESS_KEY).toBe(awsSecret);
    for (const name of Object.keys(botSettings)) expect(seen, name).not.toHaveProperty(name);
    expect(stored?.output_tail).toContain('AWS_SECRET_ACCESS_KEY=[redacted]');
    expect(stored?.output_tail).not.toContain(awsSecret);
    expect(stored?.summary).not.toContain(awsSecret);
    // The failure post quotes the output: redacted there too, and nowhere else in what Slack got.
    expect(slack).toContain('AWS_SECRET_ACCESS_KEY=[redacted]');
    expect(slack).not.toContain(awsSecret);
    expect(slack).not.toContain(awsSecret.replaceAll('/', '\\/'));
  });
});
