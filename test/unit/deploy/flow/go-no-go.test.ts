import { describe, expect, it } from 'vitest';
import { formatTime } from '../../../../src/announce/format.js';
import { applyGoNoGoPolicy, scheduleGoNoGo } from '../../../../src/deploy/flow/go-no-go.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
import type { Plan } from '../../../../src/plan/schema.js';
import {
  addPrompt,
  enqueuedRuns,
  followUpKinds,
  hour,
  now,
  publishedPrompts,
  runFlow,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

describe('go/no-go with the plan policy "hold"', () => {
  const fx = useDeployFixture();

  it('at start, the decision deadline is armed 30 minutes after the start and the go/no-go prompt is recorded', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 0 });

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      scheduleGoNoGo(client, fx.deps, deployment, later),
    );

    expect(later.arm.map((timer) => [timer?.kind, timer?.key, timer?.fireAt])).toEqual([
      ['go_no_go', 'go-no-go-1', new Date(deployment.createdAt.getTime() + hour / 2)],
    ]);
    expect(publishedPrompts(later).map((p) => p.prompt.kind)).toEqual(['go_no_go']);
    const [prompt] = publishedPrompts(later);
    // The deployment started at 08:00 New York time.
    expect(prompt?.message.text).toBe(
      ':vertical_traffic_light: *Go/no-go*: decide by *<!date^1749299400^{date_short_pretty} at {time}|Sat, Jun 7, 2025, 08:30 EDT>* whether to proceed or roll back.',
    );
    expect(JSON.stringify(prompt?.message.blocks)).toContain('hold the deployment and page the leads');
  });

  it('a dry run gets no deadline and no go/no-go prompt: it changes nothing and ends by itself', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 0, dryRun: true });

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      scheduleGoNoGo(client, fx.deps, deployment, later),
    );

    expect(later.arm).toEqual([]);
    expect(publishedPrompts(later)).toEqual([]);
  });

  it("in a rehearsal the deadline waits at people's pace: divided by REHEARSAL_DECISION_SCALE, not TIME_SCALE", async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 0 });
    const deps = { ...fx.deps, settings: { ...fx.deps.settings, timeScale: 3600, decisionScale: 1 } };

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      scheduleGoNoGo(client, deps, deployment, later),
    );

    expect(later.arm.map((timer) => timer?.fireAt)).toEqual([
      new Date(deployment.createdAt.getTime() + hour / 2),
    ]);
    expect(publishedPrompts(later)[0]?.message.text).toContain('08:30 EDT>*');
  });

  it('without REHEARSAL_DECISION_SCALE the deadline is compressed by TIME_SCALE like everything else', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 0 });
    const deps = { ...fx.deps, settings: { ...fx.deps.settings, timeScale: 3600, decisionScale: undefined } };

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      scheduleGoNoGo(client, deps, deployment, later),
    );

    expect(later.arm.map((timer) => timer?.fireAt)).toEqual([new Date(deployment.createdAt.getTime() + 500)]);
  });

  it('nobody deciding by the deadline holds the deployment, closes the prompt as Stagecoach and pages both leads', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 5 });
    const prompt = await addPrompt(fx, deployment.id, 'go_no_go');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      applyGoNoGoPolicy(client, fx.deps, deployment, later),
    );

    expect(after).toMatchObject({ state: 'held', heldFrom: 'running' });
    expect(followUpKinds(later)).toEqual(['channel_post', 'publish_prompt', 'show_decided']);
    const decided = later.followUps.find((f) => f.kind === 'show_decided');
    expect(decided?.kind === 'show_decided' && decided.prompts).toMatchObject([
      {
        id: prompt.id,
        status: 'decided',
        decidedBy: 'stagecoach',
        decision: `No decision by ${formatTime(now, 'America/New_York')}: hold the deployment and page the leads (plan policy)`,
      },
    ]);
    expect(publishedPrompts(later).map((p) => p.prompt.kind)).toEqual(['held']);
    const page = later.followUps.find((f) => f.kind === 'channel_post');
    expect(page?.kind === 'channel_post' && page.channel).toBe('C_DEPLOY');
    expect(page?.kind === 'channel_post' && page.message.text).toBe(
      ':bell: <@ULEAD> <@UPROJECT> go/no-go deadline passed without a decision on deployment #1 (v4.0.0 → production): the deployment is on hold. Answer the held prompt in its thread.',
    );
    expect(later.enqueue).toEqual([]);
  });

  it('a go/no-go already decided before the deadline makes the deadline a no-op', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 5 });

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      applyGoNoGoPolicy(client, fx.deps, deployment, later),
    );

    expect(after.state).toBe('running');
    expect(later).toEqual(afterCommit());
  });
});

describe('go/no-go with the plan policy "rollback"', () => {
  const fx = useDeployFixture({
    plan: (plan): Plan => ({ ...plan, goNoGo: { ...plan.goNoGo, onTimeout: 'rollback' } }),
  });

  it('nobody deciding by the deadline starts the rollback and pages the leads', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 6 });
    await addPrompt(fx, deployment.id, 'go_no_go');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      applyGoNoGoPolicy(client, fx.deps, deployment, later),
    );

    expect(after.state).toBe('rolling_back');
    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['revert']);
    const page = later.followUps.find((f) => f.kind === 'channel_post');
    expect(page?.kind === 'channel_post' && page.message.text).toContain(': the deployment is rolling back.');
  });
});
