import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../support/fake-github.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const token = 'ghp_test0123456789';
const repository = 'example/medplum-ehr';

// Issue #18: the deployment leaves its trace in GitHub, so pull requests and environments show it.
describe('GitHub deployments', () => {
  let h: Harness | undefined;
  let gh: Awaited<ReturnType<typeof startFakeGitHub>> | undefined;
  afterEach(async () => {
    await h?.close();
    await gh?.close();
    h = undefined;
    gh = undefined;
  });

  it('creates a deployment of the version in its environment and posts in progress → stage → failure on rollback, once each', async () => {
    gh = await startFakeGitHub(repository, token);
    const github = gh;
    h = await startHarness({
      env: {
        TIME_SCALE: '57600',
        REHEARSAL_DECISION_SCALE: '1',
        GITHUB_TOKEN: token,
        GITHUB_REPOSITORY: repository,
        GITHUB_API_URL: github.url,
      },
    });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);
    await harness.client.command('rollback error rate climbing on the canary', { user: users.lead });
    await waitUntil(
      async () => {
        const state = (await harness.deployment(1))?.state;
        if (state === 'awaiting_restore') await harness.client.command('keep-db', { user: users.dba });
        return state === 'rolled_back';
      },
      { label: 'the rollback to finish', timeoutMs: 30_000 },
    );
    await harness.outboxDrained();

    expect(github.deployments).toHaveLength(1);
    const [deployment] = github.deployments;
    expect(deployment).toMatchObject({
      ref: 'v4.0.0',
      environment: 'production',
      production_environment: true,
    });
    expect(deployment?.statuses).toEqual([
      { state: 'in_progress', description: 'Started by Stagecoach (deployment #1)' },
      { state: 'in_progress', description: 'Stage 1: Canary live at 10% of traffic' },
      { state: 'failure', description: expect.stringMatching(/^Rolled back to /) },
    ]);
  });

  it('without GITHUB_TOKEN nothing is recorded for GitHub', async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect((await h.db.query(`SELECT 1 FROM notifications WHERE channel = 'github'`)).rowCount).toBe(0);
  });
});
