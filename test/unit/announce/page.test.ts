import { describe, expect, it } from 'vitest';
import { pageRoles, resolvePage } from '../../../src/announce/page.js';
import { runFlow, seedDeployment, useDeployFixture } from '../../support/deploy-fixture.js';

const fx = useDeployFixture();
const cause = { key: 'missed-check-ins', kind: 'process' } as const;

/** The deployment channel's top-level posts as Slack would show them: each page with its last edit. */
async function pages(deploymentId: number) {
  const rows = await fx.db.query<{ key: string; replaces: string | null; text: string; status: string }>(
    `SELECT dedupe_key AS key, target->>'replaces' AS replaces, message->>'text' AS text, status
       FROM notifications WHERE deployment_id = $1 AND target->>'deploymentThread' IS NULL ORDER BY id`,
    [deploymentId],
  );
  const shown = new Map<string, string>();
  for (const row of rows.rows) shown.set(row.replaces ?? row.key, row.text);
  return [...shown.values()];
}

describe('pages (issue #16: one page per cause, edited as it escalates, resolved when answered)', () => {
  it('a second page for the same cause edits the first; an answer marks it resolved; a new streak pages anew', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stepsSucceeded: 10 });
    const page = (text: string) =>
      runFlow(fx, deployment.id, (client, later) =>
        pageRoles(client, fx.deps, deployment.id, ['deployment_lead'], text, later, cause),
      );

    await page('2 check-ins in a row went unanswered.');
    // Marked sent, as if delivered: the escalation must become an edit of it.
    await fx.db.query(
      `UPDATE notifications SET status = 'sent', external_id = '1.000001' WHERE deployment_id = $1`,
      [deployment.id],
    );
    await page('3 check-ins in a row went unanswered.');
    expect(await pages(deployment.id)).toEqual([':bell: <@ULEAD> 3 check-ins in a row went unanswered.']);

    await runFlow(fx, deployment.id, (client, later) =>
      resolvePage(client, fx.deps, deployment.id, cause, 'check-in 4 answered by <@ULEAD>', later),
    );
    expect(await pages(deployment.id)).toEqual([
      ':white_check_mark: Resolved: check-in 4 answered by <@ULEAD>\n~<@ULEAD> 3 check-ins in a row went unanswered.~',
    ]);

    await page('2 check-ins in a row went unanswered.');
    const shown = await pages(deployment.id);
    expect(shown).toHaveLength(2);
    expect(shown[1]).toBe(':bell: <@ULEAD> 2 check-ins in a row went unanswered.');
  });

  it('a metric page is a siren, a missed answer a bell; resolving a cause that never paged does nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stepsSucceeded: 10 });
    await runFlow(fx, deployment.id, async (client, later) => {
      await pageRoles(
        client,
        fx.deps,
        deployment.id,
        ['deployment_lead'],
        'error rate is beyond its threshold',
        later,
        {
          key: 'metric-error_rate',
          kind: 'metric',
        },
      );
      await resolvePage(client, fx.deps, deployment.id, { key: 'go-no-go' }, 'resumed', later);
    });
    expect(await pages(deployment.id)).toEqual([
      ':rotating_light: <@ULEAD> error rate is beyond its threshold',
    ]);
  });
});
