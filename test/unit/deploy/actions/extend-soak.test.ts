import { describe, expect, it } from 'vitest';
import { slackTime } from '../../../../src/announce/format.js';
import { extendSoak } from '../../../../src/deploy/actions/extend-soak.js';
import {
  addTimer,
  followUpKinds,
  hour,
  now,
  publishedPrompts,
  runAction,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('extend soak (awaiting_promotion → soaking)', () => {
  it('extending the canary soak arms one new soak timer 12 hours out and notes the extension in the thread', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 0 });
    await addTimer(
      fx,
      deployment.id,
      { kind: 'soak_end', key: 'soak-1-0-0', payload: { stageIndex: 0 } },
      'fired',
    );

    const { later, after, result } = await runAction(fx, extendSoak, deployment, { decision: 'extend_soak' });

    expect(after.state).toBe('soaking');
    expect(result).toBe('Soak extended by 12h.');
    const until = new Date(now.getTime() + 12 * hour);
    expect(later.arm).toHaveLength(1);
    expect(later.arm[0]).toMatchObject({
      kind: 'soak_end',
      key: 'soak-1-0-1',
      status: 'pending',
      fireAt: until,
      payload: { stageIndex: 0 },
    });
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [soaking] = publishedPrompts(later);
    expect(soaking?.prompt.kind).toBe('soaking');
    expect(soaking?.message.text).toBe(
      `:hourglass: <@ULEAD> extended the Stage 1: Canary soak by 12h, until ${slackTime(until, 'America/New_York')}.`,
    );
    // The soak goes on, and so does the way to cut it short.
    expect(JSON.stringify(soaking?.message.blocks)).toContain('Promote early to 50%…');
    expect(later.enqueue).toEqual([]);
    expect(later.disarm).toEqual([]);
    expect(later.notify).toEqual([]);
  });

  it('extending the 48-hour expanded soak adds 24 hours, and a second extension gets its own timer', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 1 });
    await addTimer(
      fx,
      deployment.id,
      { kind: 'soak_end', key: 'soak-1-1-0', payload: { stageIndex: 1 } },
      'fired',
    );
    await addTimer(
      fx,
      deployment.id,
      { kind: 'soak_end', key: 'soak-1-1-1', payload: { stageIndex: 1 } },
      'fired',
    );

    const { later } = await runAction(fx, extendSoak, deployment, { decision: 'extend_soak' });

    expect(later.arm.map((timer) => [timer?.key, timer?.fireAt])).toEqual([
      ['soak-1-1-2', new Date(now.getTime() + 24 * hour)],
    ]);
  });

  it('a soak that has not ended yet cannot be extended', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });

    const error = await runAction(fx, extendSoak, deployment, { decision: 'extend_soak' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    const timers = await fx.db.query('SELECT 1 FROM timers');
    expect(timers.rowCount).toBe(0);
  });
});
