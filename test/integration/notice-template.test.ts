import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listScheduleItems } from '../../src/infra/db/windows.js';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const day = 24 * 3600_000;

/** The plan's notice template named relative to WORKSPACE_DIR. */
const withTemplate =
  (path: string) =>
  (plan: Plan): Plan => ({ ...plan, notificationTemplate: path });

describe('the maintenance notice template', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const lastAnswer = () => h.slack.responses.at(-1)?.body as { text: string; blocks?: unknown[] };
  const currentWindowId = async () =>
    (
      await h.db.query<{ id: number }>(
        `SELECT id FROM maintenance_windows WHERE status = 'scheduled' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0]?.id as number;

  it('a template relative to WORKSPACE_DIR is the one sent', async () => {
    // One day passes in one second: the T-5d notice is due a second after scheduling.
    h = await startHarness({ plan: withTemplate('deployment/notice.md'), env: { TIME_SCALE: '86400' } });
    await mkdir(join(h.workspace.dir, 'deployment'), { recursive: true });
    await writeFile(
      join(h.workspace.dir, 'deployment', 'notice.md'),
      '# Planned work on {{application}}\n\nFrom the workspace: {{version}} at {{windowStart}} ({{timezone}}).\n',
    );
    await h.client.command(`window ${new Date(Date.now() + 6 * day).toISOString()} 4h v4.0.0`, {
      user: users.lead,
    });
    await waitUntil(
      () => h.slack.messages('C_DEPLOY').some((m) => m.text.includes('From the workspace: v4.0.0')),
      { timeoutMs: 10_000, label: 'the notice from the workspace template' },
    );
    const windowId = await currentWindowId();
    await waitUntil(
      async () =>
        (await listScheduleItems(h.db, windowId)).find((item) => item.itemId === 'send_notice')?.status ===
        'done',
      { timeoutMs: 5_000, label: 'the notice row done' },
    );
    expect(h.slack.messages('C_DEPLOY').some((m) => m.text.includes('could not'))).toBe(false);
  });

  it('a template missing from the workspace fails for good: said in the deploy channel, failed in the schedule', async () => {
    h = await startHarness({ plan: withTemplate('deployment/missing.md'), env: { TIME_SCALE: '86400' } });
    await h.client.command(`window ${new Date(Date.now() + 6 * day).toISOString()} 4h v4.0.0`, {
      user: users.lead,
    });
    const failure = await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => !m.thread_ts && m.text.includes('The maintenance notice failed')),
      { timeoutMs: 10_000, label: 'the failure in the deploy channel' },
    );
    expect(failure.text).toContain('deployment/missing.md');
    expect(failure.text).toContain('WORKSPACE_DIR');

    const windowId = await currentWindowId();
    await waitUntil(
      async () =>
        (await listScheduleItems(h.db, windowId)).find((item) => item.itemId === 'send_notice')?.status ===
        'failed',
      { timeoutMs: 5_000, label: 'the notice row failed' },
    );
    await h.client.command('schedule', { user: users.stranger });
    expect(JSON.stringify(lastAnswer().blocks)).toMatch(/Send maintenance notification.*?Failed/);

    // The reconciler tries the timer again (and it fails again): the channel is told once.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(
      h.slack.messages('C_DEPLOY').filter((m) => m.text.includes('The maintenance notice failed')),
    ).toHaveLength(1);
  });
});
