import { describe, expect, it } from 'vitest';
import { hold } from '../../../../src/deploy/actions/hold.js';
import { actionIds } from '../../../../src/deploy/model/action-ids.js';
import { getPrompt } from '../../../../src/infra/db/prompts.js';
import {
  addTimer,
  followUpKinds,
  publishedPrompts,
  runAction,
  seedDeployment,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('hold (running | soaking | … → held)', () => {
  it('holding a soaking canary posts one held prompt with [Resume] and leaves its soak timer in place', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const soak = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: 'soak-1-0-0',
      payload: { stageIndex: 0 },
    });

    const { later, after, result } = await runAction(fx, hold, deployment, {
      decision: 'hold',
      reason: 'waiting for the vendor',
    });

    expect(after).toMatchObject({ state: 'held', heldFrom: 'soaking' });
    expect(result).toBe('Held deployment #1 (v4.0.0 → production). Resume with `/deploy resume`.');
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [published] = publishedPrompts(later);
    expect(published?.prompt).toMatchObject({ kind: 'held', deploymentId: deployment.id, status: 'open' });
    expect(published?.message.text).toContain('held by <@ULEAD>: waiting for the vendor');
    expect(JSON.stringify(published?.message.blocks)).toContain(actionIds.resume);
    // Recorded in the transaction, so the reconciler can post it if the process dies before Slack does.
    const stored = await getPrompt(fx.db, published?.prompt.id ?? 0);
    expect(stored?.payload.message).toEqual(published?.message);
    expect(await timerStatus(fx, soak.id)).toBe('pending');
    expect(later.enqueue).toEqual([]);
    expect(later.arm).toEqual([]);
    expect(later.disarm).toEqual([]);
    expect(later.notify).toEqual([]);
  });

  it('a deployment that is already rolling back cannot be held', async () => {
    const deployment = await seedDeployment(fx, { state: 'rolling_back', stageIndex: 0 });

    const error = await runAction(fx, hold, deployment, { decision: 'hold' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    const prompts = await fx.db.query('SELECT 1 FROM prompts');
    expect(prompts.rowCount).toBe(0);
  });
});
