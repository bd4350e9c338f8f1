import { describe, expect, it } from 'vitest';
import { foldTarget } from '../../../src/announce/fold-target.js';
import { getPrompt, setPromptMessage } from '../../../src/infra/db/prompts.js';
import { addPrompt, seedDeployment, useDeployFixture } from '../../support/deploy-fixture.js';

const fx = useDeployFixture();
const alone = {
  message: { text: 'Check-in 3/12 at …', blocks: [] },
  payload: { shown: [3], missedShown: [] },
};

describe('where a quiet check-in that joins the one before goes', () => {
  it('edits the message it joins once that one is in Slack, showing what it was rendered to extend', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const joined = await addPrompt(fx, deployment.id, 'check_in', { n: 2, shown: [1, 2] });
    await setPromptMessage(fx.db, joined.id, '1700000000.000002', { text: 'Check-ins 1–2/12', blocks: [] });
    const next = await addPrompt(fx, deployment.id, 'check_in', {
      n: 3,
      foldOf: joined.id,
      joinedShown: [1, 2],
      alone,
    });
    expect(await foldTarget(fx.deps, next)).toEqual({ edit: '1700000000.000002' });
  });

  it('goes alone when the message it joins was itself posted alone: no check-in in two messages', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    // Check-in 2 was to join 1, timed out and was posted showing only itself.
    const joined = await addPrompt(fx, deployment.id, 'check_in', { n: 2, shown: [2] });
    await setPromptMessage(fx.db, joined.id, '1700000000.000002', { text: 'Check-in 2/12', blocks: [] });
    const next = await addPrompt(fx, deployment.id, 'check_in', {
      n: 3,
      foldOf: joined.id,
      joinedShown: [1, 2],
      alone,
    });
    const fresh = await getPrompt(fx.db, next.id);
    expect(await foldTarget(fx.deps, fresh as NonNullable<typeof fresh>)).toEqual({ alone });
  });
});
