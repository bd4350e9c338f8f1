import { describe, expect, it } from 'vitest';
import { promptPromotion } from '../../../../src/deploy/flow/promotion.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
import { actionIds } from '../../../../src/deploy/model/action-ids.js';
import {
  addPrompt,
  followUpKinds,
  publishedPrompts,
  runFlow,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('promptPromotion', () => {
  it('when the canary has soaked, the Deployment Lead is asked to promote to 50%, with [Promote], [Extend] and [Roll back]', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      promptPromotion(client, fx.deps, deployment.id, later),
    );

    expect(after.state).toBe('awaiting_promotion');
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [promotion] = publishedPrompts(later);
    expect(promotion?.prompt).toMatchObject({
      kind: 'promotion',
      status: 'open',
      deploymentId: deployment.id,
    });
    expect(promotion?.message.text).toBe(
      ':raised_hand: *Stage 1: Canary* (10%) has soaked its 24h. Promote to *50%* (Stage 2: Expanded)?',
    );
    const blocks = JSON.stringify(promotion?.message.blocks);
    for (const id of [actionIds.promote, actionIds.extendSoak, actionIds.rollback])
      expect(blocks).toContain(id);
    expect(blocks).toContain('Approvers: Deployment Lead');
    expect(later.enqueue).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('when the soak ends, the soaking stage message loses [Promote early…] and says the soak is complete', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const soaking = await addPrompt(fx, deployment.id, 'soaking', { waitsOn: [] });

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      promptPromotion(client, fx.deps, deployment.id, later),
    );

    expect(followUpKinds(later)).toEqual(['publish_prompt', 'show_decided']);
    const closed = later.followUps.find((f) => f.kind === 'show_decided');
    expect(closed?.kind === 'show_decided' && closed.prompts.map((p) => [p.id, p.decision])).toEqual([
      [soaking.id, 'Soak complete'],
    ]);
  });

  it('a soak that ends while the deployment is held asks nothing (resume asks instead)', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'soaking', stageIndex: 0 });

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      promptPromotion(client, fx.deps, deployment.id, later),
    );

    expect(after.state).toBe('held');
    expect(later).toEqual(afterCommit());
  });
});
