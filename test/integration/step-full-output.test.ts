// Issue #16: a step's full output is one click away, not only the tail its message shows; its
// secrets stay masked as they are in the tail.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { uploadedFiles } from '../support/fake-slack-files.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
// 300 numbered lines with a known secret and a password early on, then a failure: the deployment halts here.
const chatty = `console.log('using key ' + process.env.AWS_SECRET_ACCESS_KEY + ' with password=hunter2');
for (let i = 1; i <= 300; i++) console.log('suite line ' + i + ' of 300');
console.error('FAIL: 1 of 300 checks failed');
process.exitCode = 1;
`;
const withChattyStep = (plan: Plan): Plan => ({
  ...plan,
  secrets: ['AWS_SECRET_ACCESS_KEY'],
  steps: [
    {
      id: 'chatty_suite',
      name: 'Run the chatty suite',
      phase: 'pre_deployment',
      timeout: 60_000,
      run: { kind: 'command', command: [process.execPath, 'chatty.mjs'] },
    },
    ...plan.steps,
  ],
});

type Accessory = { action_id: string; value: string };
const fullOutputOf = (message: FakeMessage): Accessory | undefined =>
  message.blocks
    .map((block: { accessory?: Accessory }) => block.accessory)
    .find((accessory: Accessory | undefined) => accessory?.action_id === 'step_full_output');

describe('[Full output] on a step', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    vi.unstubAllEnvs();
  });

  it('uploads the whole output, masked, into the thread once; a second click is told where it is', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', awsSecret);
    h = await startHarness({ plan: withChattyStep, env: { REHEARSAL_DECISION_SCALE: '1' } });
    const harness = h;
    await writeFile(join(harness.workspace.dir, 'chatty.mjs'), chatty);
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'step_failed', 20_000);
    await harness.outboxDrained();
    const rootTs = (await harness.deployment(1))?.rootTs as string;
    const thread = harness.slack.thread('C_DEPLOY', rootTs);

    // The step's own line and its failure prompt both offer it; the prompt shows only the tail.
    const line = thread.find((m) => m.text.includes('failed: *Run the chatty suite*') && fullOutputOf(m));
    const prompt = thread.find((m) => m.text.includes('The deployment is halted') && fullOutputOf(m));
    expect(line && prompt).toBeTruthy();
    const tail = JSON.stringify((prompt as FakeMessage).blocks);
    expect(tail).toMatch(/earlier lines omitted/);
    expect(tail).not.toContain('suite line 1 of 300');

    const button = fullOutputOf(line as FakeMessage) as Accessory;
    // respond() bodies; the upload's bytes land in the fake's responses too.
    const answers = () => harness.slack.responses.filter((r) => !r.url.includes('/response/upload-'));
    const answered = answers().length;
    await harness.client.action('step_full_output', button.value, {
      user: users.dba,
      messageTs: (line as FakeMessage).ts,
    });
    const [file] = await waitUntil(
      () => (uploadedFiles(harness.slack).length > 0 ? uploadedFiles(harness.slack) : undefined),
      {
        label: 'the output file',
      },
    );
    expect(file).toMatchObject({
      filename: 'stagecoach-1-chatty_suite-1.log',
      channel: 'C_DEPLOY',
      threadTs: rootTs,
      initialComment: `Full output of *Run the chatty suite*, for <@${users.dba}>.`,
    });
    // Every line, the first ones the tail dropped included; secrets masked as in the tail.
    expect(file?.body).toContain('using key [redacted] with password=[redacted]');
    expect(file?.body).toContain('suite line 1 of 300');
    expect(file?.body).toContain('suite line 300 of 300');
    expect(file?.body).toContain('FAIL: 1 of 300 checks failed');
    expect(file?.body).not.toContain(awsSecret);
    expect(file?.body).not.toContain('hunter2');
    // The file in the thread is the answer: nothing private.
    expect(answers()).toHaveLength(answered);

    const promptButton = fullOutputOf(prompt as FakeMessage) as Accessory;
    await harness.client.action('step_full_output', promptButton.value, {
      user: users.lead,
      messageTs: (prompt as FakeMessage).ts,
    });
    const again = await waitUntil(() => answers()[answered]?.body as { text?: string } | undefined, {
      label: 'the answer to the second click',
    });
    expect(again.text).toMatch(
      new RegExp(`already in the thread \\(shared for <@${users.dba}> at <!date\\^\\d+\\^`),
    );
    expect(uploadedFiles(harness.slack)).toHaveLength(1);
  });
});
