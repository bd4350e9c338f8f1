import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history } from '../../commands/history.js';
import { report } from '../../commands/report.js';
import { listAudit } from '../../src/infra/db/audit.js';
import { createMessenger } from '../../src/infra/slack/messenger.js';
import { describeHistory } from '../../src/report/history.js';
import { postReport } from '../../src/report/post-report.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { startFileUploadFront, uploadedFiles } from '../support/fake-slack-files.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];

describe('post-deployment review and history', () => {
  let h: Harness;
  let front: Awaited<ReturnType<typeof startFileUploadFront>> | undefined;
  let deps: Harness['runtime']['deps'];
  // One completed deployment (about 20 s of rollout at this TIME_SCALE) serves both tests. People
  // decide in real time: the go/no-go deadline (30 minutes) stays out of the way.
  beforeAll(async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    await completeDeployment();
    await seedMetrics();
    deps = await depsWithUploads();
  }, 90_000);
  afterAll(async () => {
    await front?.close();
    await h?.close();
  });

  const rootTs = async () => (await h.deployment(1))?.rootTs as string;
  const thread = async () => h.slack.thread('C_DEPLOY', await rootTs());
  const click = async (actionId: string, user: string) => {
    const prompt = await waitUntil(
      async () => (await thread()).find((m) => buttonsOf(m).some((b) => b.action_id === actionId)),
      {
        label: `a prompt with ${actionId}`,
      },
    );
    const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
    await h.client.action(actionId, button.value, { user, messageTs: prompt.ts });
  };

  /** 10% → 50% → 100% → completed, at TIME_SCALE 57600 (24 h of soak in 1.5 s). */
  async function completeDeployment() {
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    await click('stage_promote', users.lead);
    await waitUntil(async () => (await h.deployment(1))?.currentPercent === 50, { label: '50%' });
    await waitUntil(async () => (await h.deployment(1))?.state === 'awaiting_promotion', {
      label: 'second promotion prompt',
    });
    await click('stage_promote', users.lead);
    await h.waitForState(1, 'success_window');
    await click('deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');
  }

  /** Readings at known values inside each stage's window, replacing whatever the monitors wrote. */
  async function seedMetrics() {
    const audit = await listAudit(h.db, { deploymentId: 1 });
    const starts = ['canary', 'expanded', 'full'].map(
      (stage) =>
        audit.find(
          (row) =>
            ['steps_done', 'stage_live', 'reached_full'].includes(row.action) && row.detail.stage === stage,
        )?.createdAt as Date,
    );
    const end = (await h.deployment(1))?.endedAt as Date;
    const windows = starts.map((start, i) => [start.getTime(), (starts[i + 1] ?? end).getTime()] as const);
    await h.db.query('DELETE FROM metric_samples WHERE deployment_id = 1');
    const readings: [number, string, number | null, string][] = [
      [0, 'error_rate', 0.002, 'ok'],
      [0, 'error_rate', 0.004, 'ok'],
      [0, 'api_p95_latency', 0.21, 'ok'],
      [0, 'api_p95_latency', 0.33, 'ok'],
      [1, 'error_rate', 0.003, 'ok'],
      [1, 'error_rate', 0.015, 'breach'],
      [1, 'api_p95_latency', 0.3, 'ok'],
      [1, 'api_p95_latency', null, 'unknown'],
      [2, 'error_rate', 0.001, 'ok'],
      [2, 'api_p95_latency', 0.25, 'ok'],
    ];
    for (const [i, [stage, metric, value, status]] of readings.entries()) {
      const [from, to] = windows[stage] as readonly [number, number];
      const takenAt = new Date(from + ((to - from) * ((i % 2) + 1)) / 3);
      await h.db.query(
        `INSERT INTO metric_samples (deployment_id, metric_id, value, status, stage_index, percent, taken_at)
         VALUES (1, $1, $2, $3, $4, $5, $6)`,
        [metric, value, status, stage, [10, 50, 100][stage], takenAt],
      );
    }
    await h.db.query(
      `INSERT INTO issues (deployment_id, severity, description, reported_by, owner, status, resolved_by, resolved_at)
       VALUES (1, 'major', 'Search filters slow for some clinics', $1, $2, 'resolved', $2, now())`,
      [users.dba, users.lead],
    );
  }

  /** postReport's deps, with Slack reached through a front that answers the files.* calls. */
  async function depsWithUploads() {
    front = await startFileUploadFront(h.slack);
    const client = new WebClient('xoxb-test-token', { slackApiUrl: front.url, retryConfig: { retries: 0 } });
    return { ...h.runtime.deps, messenger: createMessenger(client) };
  }

  it('posts the review in the thread and uploads it as Markdown with the chart', async () => {
    await postReport(deps, 1);

    // The last one: the plan's own T+1w timer (10.5 s after the start at this TIME_SCALE) may have posted one earlier.
    const summary = (await thread())
      .filter((m) => m.text.startsWith(':clipboard: Post-deployment review of #1'))
      .at(-1);
    expect(summary?.text).toMatch(/Completed after .+; issues: 1 \(1 major\), 0 open\./);
    const blocks = JSON.stringify(summary?.blocks);
    expect(blocks).toContain('*Stage 1: Canary* (10%): soaked');
    expect(blocks).toContain('promoted by <@ULEAD>');
    expect(blocks).toContain('declared complete by <@UPROJECT>');
    expect(blocks).toContain(':red_circle: 1 over threshold (Error rate (5xx share of requests))');

    // The last two: the T+1w timer may have uploaded its own pair earlier.
    const files = uploadedFiles(h.slack).slice(-2);
    expect(files.map((f) => f.filename)).toEqual([
      'stagecoach-review-1-production-v4.0.0.md',
      'stagecoach-review-1-production-v4.0.0-chart.png',
    ]);
    for (const file of files) expect(file).toMatchObject({ channel: 'C_DEPLOY', threadTs: await rootTs() });
    const pngRequest = h.slack
      .callsOf('files.getUploadURLExternal')
      .filter((c) => String(c.args.filename).endsWith('.png'))
      .at(-1);
    expect(Number(pngRequest?.args.length)).toBeGreaterThan(10_000);
    expect(files[1]?.body).toContain('IHDR');

    const markdown = files[0]?.body ?? '';
    expect(markdown).toContain('# Post-deployment review: Medplum EHR v4.0.0 → production (#1)');
    expect(markdown).toContain('| **Outcome** | Completed |');
    expect(markdown).toMatch(
      /\| @ULEAD \| Promoted \| awaiting_promotion → running \| toStage: expanded, toPercent: 50 \|/,
    );
    expect(markdown).toMatch(
      /\| @ULEAD \| Promoted \| awaiting_promotion → running \| toStage: full, toPercent: 100 \|/,
    );
    expect(markdown).toMatch(/\| @UPROJECT \| Declared complete \| success_window → completed \|/);
    expect(markdown).toMatch(
      /\| Stage 1: Canary \| 10% \| [^|]+ \| \d+s \| 24h \(2s scaled\) \| met \| promoted by @ULEAD \|/,
    );
    expect(markdown).toMatch(
      /\| Stage 2: Expanded \| 50% \| [^|]+ \| \d+s \| 48h \(3s scaled\) \| met \| promoted by @ULEAD \|/,
    );
    expect(markdown).toMatch(
      /\| Stage 3: Full \| 100% \| [^|]+ \| [^|]+ \| 0s \| met \| declared complete by @UPROJECT \|/,
    );
    expect(markdown).toMatch(
      /\| \d+ \| major \| Search filters slow for some clinics \| @UDBA at [^|]+ \| @ULEAD \| resolved \| resolved by @ULEAD at /,
    );
    expect(markdown).toContain('### Stage 1: Canary (10%)');
    expect(markdown).toContain(
      '| API response time (p95) | ≤ 500 ms | 2 | 210 ms | 270 ms | 330 ms | 0 | 0 |',
    );
    expect(markdown).toContain(
      '| Error rate (5xx share of requests) | ≤ 1.0% | 2 | 0.20% | 0.30% | 0.40% | 0 | 0 |',
    );
    expect(markdown).toContain('### Stage 2: Expanded (50%)');
    expect(markdown).toMatch(
      /\| Error rate \(5xx share of requests\) \| ≤ 1\.0% \| \d+ \| 0\.30% \| 0\.90% \| 1\.5% \| 1 \| \d+ \|/,
    );
    expect(markdown).toContain('### Stage 3: Full (100%)');
    expect(markdown).toContain('- [ ] API reference documentation');
  });

  it('answers /deploy report and /deploy history through their handlers', async () => {
    const context = { deps, userId: users.lead, channelId: 'C_DEPLOY' };
    const summaries = async () =>
      (await thread()).filter((m) => m.text.startsWith(':clipboard: Post-deployment review of #1')).length;
    const before = { summaries: await summaries(), files: uploadedFiles(h.slack).length };

    expect(await report({ name: 'report', ref: '#1' }, context)).toBe(
      'Report for deployment #1 (v4.0.0 → production) posted in the thread.',
    );
    expect(await summaries()).toBe(before.summaries + 1);
    expect(
      uploadedFiles(h.slack)
        .slice(before.files)
        .map((f) => f.filename),
    ).toEqual([
      'stagecoach-review-1-production-v4.0.0.md',
      'stagecoach-review-1-production-v4.0.0-chart.png',
    ]);
    await expect(report({ name: 'report', ref: '#9' }, context)).rejects.toThrow(
      'There is no deployment #9.',
    );

    const answer = await history({ name: 'history' }, context);
    expect(typeof answer === 'string' ? answer : answer.text).toBe(
      'Recent Medplum EHR deployments (production: 1, staging: 0).',
    );
    const listing = JSON.stringify(typeof answer === 'string' ? [] : answer.blocks);
    expect(listing).toMatch(
      /#1 `v4\.0\.0` · :white_check_mark: Completed · <@ULEAD> · [^·]+ EST · took \d+s/,
    );
    expect(JSON.stringify((await describeHistory(deps)).blocks)).toContain('_No deployments yet._');
  });
});
