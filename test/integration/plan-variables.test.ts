// Issue #15: a plan's own variables, each computed by a command when the deployment starts, stored
// with it and filled in as {{name}} like the built-in ones; a variable that cannot be computed
// stops the start before anything changes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// Says something on stderr first, as tools do: the value is the last line.
const releaseTagScript = `console.error('computing the release tag');
console.log('rel-' + process.argv[2]);
`;
// Records what the step got: its arguments and the env value filled in from the variable.
const showReleaseScript = `import { writeFileSync } from 'node:fs';
writeFileSync('release.json', JSON.stringify({ argv: process.argv.slice(2), env: process.env.RELEASE_TAG }));
`;

/** The Medplum plan with a releaseTag variable, a first step echoing it and the frontend passing it. */
const withReleaseTag =
  (command: string[]) =>
  (plan: Plan): Plan => ({
    ...plan,
    variables: { releaseTag: { command, timeout: 10_000 } },
    steps: [
      {
        id: 'show_release',
        name: 'Show the release tag',
        phase: 'pre_deployment',
        timeout: 10_000,
        env: { RELEASE_TAG: '{{releaseTag}}' },
        run: { kind: 'command', command: [process.execPath, 'show-release.mjs', '--tag={{releaseTag}}'] },
      },
      ...plan.steps.map((step) =>
        step.id === 'frontend' && step.run.kind === 'command'
          ? { ...step, run: { ...step.run, command: [...step.run.command, '--tag={{releaseTag}}'] } }
          : step,
      ),
    ],
  });
const computed = withReleaseTag([process.execPath, 'release-tag.mjs', '{{version}}']);

describe('plan variables', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const harness = async (plan: (plan: Plan) => Plan) => {
    // Decisions at people's pace: the go/no-go deadline does not hold the deployment meanwhile.
    h = await startHarness({ plan, env: { REHEARSAL_DECISION_SCALE: '1' } });
    await writeFile(join(h.workspace.dir, 'release-tag.mjs'), releaseTagScript);
    await writeFile(join(h.workspace.dir, 'show-release.mjs'), showReleaseScript);
    return h;
  };
  const answer = async (text: string) => {
    const before = (h as Harness).slack.responses.length;
    const reply = await (h as Harness).client.command(text, { user: users.lead });
    expect(reply.status).toBe(200);
    return ((h as Harness).slack.responses.slice(before).at(-1)?.body ?? reply.json) as { text: string };
  };

  it('are computed once at start, stored, and filled into step commands and env values', async () => {
    const { workspace, db } = await harness(computed);
    expect((await answer('start v4.0.0')).text).toMatch(/Started deployment #1/);

    const frontend = await waitUntil(
      async () => (await workspace.invocations()).find((line) => line.includes('--percent=')),
      { label: 'the frontend step', timeoutMs: 30_000 },
    );
    expect(frontend).toBe('deploy-frontend --env=production --percent=10 --tag=rel-v4.0.0');
    const shown = JSON.parse(await readFile(join(workspace.dir, 'release.json'), 'utf8'));
    expect(shown).toEqual({ argv: ['--tag=rel-v4.0.0'], env: 'rel-v4.0.0' });
    expect((await (h as Harness).deployment(1))?.variables).toEqual({ releaseTag: 'rel-v4.0.0' });
    const [audit] = await listAudit(db, { action: 'start' });
    expect(audit?.detail).toMatchObject({ variables: { releaseTag: 'rel-v4.0.0' } });
  });

  it('show in the commands a dry run lists', async () => {
    const { db } = await harness(computed);
    const started = (await answer('start v4.0.0 --dry-run')).text;
    expect(started).toMatch(/Started deployment #1/);
    // Honest about what ran: the variable commands did, to fill in the listed commands.
    expect(started).toContain("no step is executed; only the plan's variable commands ran");
    const summary = await waitUntil(
      async () =>
        (
          await db.query<{ summary: string | null }>(
            `SELECT summary FROM step_runs WHERE step_id = 'show_release' AND status = 'succeeded'`,
          )
        ).rows[0]?.summary,
      { label: 'the dry run of show_release' },
    );
    expect(summary).toBe(`dry run: would run ${process.execPath} show-release.mjs --tag=rel-v4.0.0`);
  });

  it('refuse the start, naming the variable, when its command fails or prints nothing', async () => {
    for (const [command, reason] of [
      [
        [process.execPath, '-e', 'process.exit(3)'],
        / exit code 3 — fix: make variables\.releaseTag\.command print/,
      ],
      [[process.execPath, '-e', ''], / printed nothing — fix: make variables\.releaseTag\.command print/],
    ] as const) {
      const { workspace, db } = await harness(withReleaseTag([...command]));
      const body = await answer('start v4.0.0');
      expect(body.text).toMatch(
        /^Not started: a plan variable could not be computed \(nothing was changed\)\.\n• the plan variable \{\{releaseTag\}\} /,
      );
      expect(body.text).toMatch(reason);
      expect(Number((await db.query('SELECT count(*) FROM deployments')).rows[0].count)).toBe(0);
      // Only the running version was asked for; no step ran.
      expect(await workspace.invocations()).toEqual(['deploy-frontend --env=production --current-version']);
      await (h as Harness).close();
      h = undefined;
    }
  });
});
