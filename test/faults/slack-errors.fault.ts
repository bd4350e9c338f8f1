import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../support/fake-slack.js';
import { waitUntil } from '../support/wait.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import { checkInPosts, driveToCompletion, people, successWindowWaitMs } from './support/rehearsal.js';

const timeScale = '14400';

/**
 * "Step n/10 started|done|failed" lines of the deployment's thread, in the order Slack shows them:
 * one message per step, posted when it starts and edited when it ends.
 */
function stepLines(slack: FakeSlack): string[] {
  const root = slack
    .messages('C_DEPLOY')
    .find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
  if (!root) return [];
  return slack
    .thread('C_DEPLOY', root.ts)
    .map((m) => /Step (\d+)\/\d+ (started|done|failed)/.exec(m.text))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => `${match[1]} ${match[2]}`);
}

// Every step's line edited from "started" to "done": no edit lost, no second message, in order.
const expectedSteps = Array.from({ length: 10 }, (_, i) => `${i + 1} done`);

async function rehearse(product: Product) {
  const result = await driveToCompletion({
    db: product.db,
    slack: product.slack,
    client: () => product.client,
    deploymentId: 1,
    timeoutMs: 150_000,
    extraWaitMs: { success_window: successWindowWaitMs(timeScale) },
  });
  // Messages still retrying when the deployment completed get a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  return result;
}

describe('the Slack API answering 429 and 500 for a while', () => {
  let p: Product | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('delivers every message afterwards, in order', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    await waitUntil(() => stepLines(product.slack).length > 0, {
      timeoutMs: 30_000,
      label: 'the first step message',
    });
    // Rate limited first (Retry-After: 1), then failing: each burst within the client's three retries.
    product.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 3 });
    product.slack.failNext('chat.update', { status: 429, retryAfterSeconds: 1, times: 3 });
    await waitUntil(() => product.slack.rejected.length >= 6, {
      timeoutMs: 60_000,
      label: 'the 429 burst to be used up',
    });
    product.slack.failNext('chat.postMessage', { status: 500, times: 3 });
    product.slack.failNext('chat.update', { status: 500, times: 3 });
    await waitUntil(() => product.slack.rejected.length >= 12, {
      timeoutMs: 60_000,
      label: 'the 500 burst to be used up',
    });

    const result = await rehearse(product);
    console.info(`rejected calls: ${product.slack.rejected.map((c) => c.method).join(', ')}`);
    console.info(`thread after 429s and 500s: ${stepLines(product.slack).join(', ')}`);
    expect(result.state).toBe('completed');
    expect(result.lostPrompts).toEqual([]);
    expect(stepLines(product.slack)).toEqual(expectedSteps);
    expect([...checkInPosts(product.slack)].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, 1]),
    );
    const management = product.slack.messages('C_MGMT').map((m) => m.text);
    expect(management.some((t) => t.includes('started'))).toBe(true);
    expect(management.some((t) => t.includes('complete'))).toBe(true);
  });

  it('loses no thread message when the outage outlasts the client retries (6 × 500 in a row)', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    await waitUntil(() => stepLines(product.slack).length > 0, {
      timeoutMs: 30_000,
      label: 'the first step message',
    });
    product.slack.failNext('chat.postMessage', { status: 500, times: 6 });
    await waitUntil(() => product.slack.rejected.length >= 6, {
      timeoutMs: 60_000,
      label: 'the 500 burst to be used up',
    });

    const result = await rehearse(product);
    console.info(`thread after 6 × 500: ${stepLines(product.slack).join(', ')}`);
    expect(result.state).toBe('completed');
    expect(stepLines(product.slack)).toEqual(expectedSteps);
  });
});
