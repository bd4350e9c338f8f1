import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, signingSecret, startHarness, users } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';

type Answer = {
  text: string;
  response_type?: string;
  blocks?: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
};
type Button = { action_id: string; value: string };
// People decide in real time while soaks pass at the harness's TIME_SCALE: the go/no-go deadline
// (30 minutes) cannot hold a deployment under test.
const realTimeDecisions = { env: { REHEARSAL_DECISION_SCALE: '1' } };

const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];
const blockText = (answer: Answer | undefined) => JSON.stringify(answer?.blocks ?? []);

// The `/deploy` grammar (README.md, "Commands"), one entry per subcommand.
const grammar = [
  'help',
  'start',
  'status',
  'approve',
  'hold',
  'resume',
  'abort',
  'rollback',
  'issue',
  'window',
  'schedule',
  'roles',
  'role',
  'lock',
  'unlock',
  'history',
  'report',
];
// Section 9 of deployment-plan.md, plus the Project Lead of section 8.
const planRoles = [
  'Deployment Lead',
  'Database Admin',
  'Frontend Lead',
  'Backend Lead',
  'QA Lead',
  'Support Lead',
  'Project Lead',
];

describe('/deploy commands and buttons', () => {
  let h: Harness;
  afterEach(async () => {
    // Forget the harness first, so a test whose start failed does not close the previous one twice.
    const current = h as Harness | undefined;
    (h as Harness | undefined) = undefined;
    await current?.close();
  });

  /** Sends `/deploy <text>` and returns what the user was shown: the response_url post, else the ack body. */
  const deploy = async (text: string, user: string = users.lead): Promise<Answer> => {
    const before = h.slack.responses.length;
    const reply = await h.client.command(text, { user });
    expect(reply.status).toBe(200);
    const answer = (h.slack.responses.slice(before).at(-1)?.body ?? reply.json) as Answer | undefined;
    if (!answer) throw new Error(`no answer to /deploy ${text}`);
    return answer;
  };
  const click = async (
    actionId: string,
    value: string,
    user: string,
    messageTs?: string,
  ): Promise<Answer> => {
    const before = h.slack.responses.length;
    const reply = await h.client.action(actionId, value, { user, ...(messageTs ? { messageTs } : {}) });
    expect(reply.status).toBe(200);
    const answer = h.slack.responses.slice(before).at(-1)?.body as Answer | undefined;
    if (!answer) throw new Error(`no answer to the ${actionId} click`);
    return answer;
  };
  /**
   * Clicks a button that decides a prompt. Success gets no private echo: the prompt itself is
   * edited to say who decided what and when, and loses its buttons. Returns it, so decided.
   */
  const clickDecides = async (
    actionId: string,
    value: string,
    user: string,
    prompt: FakeMessage,
    decision: string,
  ): Promise<FakeMessage> => {
    const before = h.slack.responses.length;
    const reply = await h.client.action(actionId, value, { user, messageTs: prompt.ts });
    expect(reply.status).toBe(200);
    const said = new RegExp(
      `${decision} by <@${user}> at <!date\\^\\d+\\^\\{date_short_pretty\\} at \\{time\\}\\|`,
    );
    const decided = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.ts === prompt.ts && said.test(m.text)),
      { label: `the prompt to say "${decision} by <@${user}>"` },
    );
    expect(buttonsOf(decided)).toEqual([]);
    expect(JSON.stringify(decided.blocks)).toContain(`${decision} by <@${user}> at <!date^`);
    // Handled before the ack (processBeforeResponse): an echo would already have been posted.
    expect(h.slack.responses.slice(before)).toEqual([]);
    return decided;
  };
  const root = () =>
    h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
  const thread = () => {
    const r = root();
    return r ? h.slack.thread('C_DEPLOY', r.ts) : [];
  };
  const promptWith = (actionId: string) =>
    waitUntil(() => thread().find((m) => buttonsOf(m).some((b) => b.action_id === actionId)), {
      label: `a prompt with ${actionId}`,
    });
  const buttonValue = (prompt: FakeMessage, actionId: string) =>
    buttonsOf(prompt).find((b) => b.action_id === actionId)?.value as string;
  const deploymentCount = async () =>
    Number((await h.db.query('SELECT count(*) FROM deployments')).rows[0].count);

  describe('without a deployment', () => {
    it('/deploy help lists every subcommand of the grammar, only to the caller', async () => {
      h = await startHarness();
      const answer = await deploy('help', users.stranger);
      expect(answer.response_type).toBe('ephemeral');
      for (const name of grammar) expect(answer.text).toContain(`\`${name}`);
      expect(answer.text).toContain('--dry-run');
      expect(answer.text).toContain('--skip-soak');
    });

    it('/deploy with no text answers with the same help', async () => {
      h = await startHarness();
      const help = await deploy('help');
      const empty = await deploy('');
      expect(empty.text).toBe(help.text);
    });

    it('unknown input is answered ephemerally with the usage, and nothing starts', async () => {
      h = await startHarness();
      const answer = await deploy('deploy v4.0.0 now', users.lead);
      expect(answer.response_type).toBe('ephemeral');
      expect(answer.text).toMatch(/Unknown subcommand `deploy`/);
      expect(answer.text).toContain('*Usage:* `/deploy <subcommand>`');
      for (const name of grammar) expect(answer.text).toContain(`\`${name}`);
      expect(await deploymentCount()).toBe(0);
      expect(h.slack.callsOf('chat.postMessage')).toEqual([]);
    });

    it('a known subcommand with bad arguments says what is wrong and shows the usage', async () => {
      h = await startHarness();
      const answer = await deploy('role deployment_lead alice', users.admin);
      expect(answer.response_type).toBe('ephemeral');
      expect(answer.text).toMatch(/`role` needs a role and a user/);
      expect(answer.text).toContain('*Usage:*');
    });

    it('a non-admin cannot assign a role; the admin can, and /deploy roles then shows it', async () => {
      h = await startHarness();
      const refused = await deploy('role deployment_lead <@UNEW>', users.lead);
      expect(refused.response_type).toBe('ephemeral');
      expect(refused.text).toMatch(/Only admins \(ADMIN_USER_IDS\) may assign roles/);
      expect((await h.db.query(`SELECT * FROM role_assignments WHERE user_id = 'UNEW'`)).rows).toEqual([]);

      const assigned = await deploy('role deployment_lead <@UNEW|newbie>', users.admin);
      expect(assigned.text).toBe('<@UNEW> is now Deployment Lead.');
      const again = await deploy('role deployment_lead <@UNEW>', users.admin);
      expect(again.text).toMatch(/already Deployment Lead; nothing changed/);

      const roles = await deploy('roles', users.stranger);
      expect(roles.response_type).toBe('ephemeral');
      const rows = blockText(roles);
      for (const name of planRoles) expect(rows).toContain(`*${name}*`);
      const leadLine = (roles.blocks ?? [])
        .flatMap((block) => (block.text?.text ?? '').split('\n'))
        .find((line) => line.startsWith('*Deployment Lead*'));
      expect(leadLine).toContain('<@UNEW>');
      expect(leadLine).toContain('<@ULEAD>');
    });

    it('an admin cannot assign a role the plan does not have', async () => {
      h = await startHarness();
      const answer = await deploy('role release_wizard <@UNEW>', users.admin);
      expect(answer.text).toMatch(/`release_wizard` is not a role of this plan/);
      expect((await h.db.query(`SELECT * FROM role_assignments WHERE user_id = 'UNEW'`)).rows).toEqual([]);
    });

    it('/deploy status with no deployment says there is none and how to start one', async () => {
      h = await startHarness();
      const answer = await deploy('status', users.stranger);
      expect(answer.response_type).toBe('ephemeral');
      expect(answer.text).toBe('No deployment yet. Start one with `/deploy start <version>`.');
    });

    it('/deploy status of an unknown deployment number says it does not exist', async () => {
      h = await startHarness();
      expect((await deploy('status 42')).text).toBe('There is no deployment #42.');
    });
  });

  it('/deploy status shows the state, each step with its duration and who started it', async () => {
    h = await startHarness(realTimeDecisions);
    await h.workspace.fail('build');
    await deploy('start v4.0.0');
    await h.waitForState(1, 'step_failed');

    const answer = await deploy('status', users.stranger);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe('#1 Medplum EHR v4.0.0 → production: Halted: a step failed');
    const text = blockText(answer);
    expect(text).toContain('<@ULEAD>');
    expect(text).toMatch(/\*Run final verification tests\*: succeeded · \d+(\.\d+)? ?m?s/);
    expect(text).toMatch(/\*Create database backup\*: succeeded · \d/);
    expect(text).toMatch(/\*Build production artifacts\*: failed · \d[^·]*· exit code 1/);
    expect(text).toContain('*Verify build artifacts*: pending');
    expect(text).toContain('*Check logs for errors*: pending');
  });

  it("a failed step's Retry button runs it again and the deployment goes on to soak", async () => {
    h = await startHarness(realTimeDecisions);
    await h.workspace.fail('phase5-test-runner');
    await deploy('start v4.0.0');
    await h.waitForState(1, 'step_failed');
    const prompt = await promptWith('step_retry');
    expect(buttonsOf(prompt).map((b) => b.action_id)).toEqual(['step_retry', 'deploy_abort']);
    await h.workspace.heal('phase5-test-runner');

    await clickDecides('step_retry', buttonValue(prompt, 'step_retry'), users.lead, prompt, 'Retried');
    await h.waitForState(1, 'soaking', 20_000);

    const runs = (
      await h.db.query(
        `SELECT attempt, status FROM step_runs WHERE step_id = 'verification_tests' ORDER BY attempt`,
      )
    ).rows;
    expect(runs).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
    expect((await h.workspace.invocations()).filter((line) => line === 'phase5-test-runner')).toHaveLength(2);
    // One line per attempt: the first edited to "failed" (its prompt follows), the retry's to "done".
    await h.outboxDrained();
    const lines = thread()
      .map((m) => m.text)
      .filter((text) => text.includes('*Run final verification tests*'));
    expect(
      lines.filter((text) => / failed: \*Run final verification tests\* after /.test(text)),
    ).toHaveLength(1);
    expect(lines.filter((text) => / done: \*Run final verification tests\* in /.test(text))).toHaveLength(1);
    expect(lines.filter((text) => text.includes(' started: '))).toEqual([]);
  });

  it('the Abort button on a pre-deployment failure aborts, frees production and says who aborted', async () => {
    h = await startHarness(realTimeDecisions);
    await h.workspace.fail('phase5-test-runner');
    await deploy('start v4.0.0');
    await h.waitForState(1, 'step_failed');
    const prompt = await promptWith('deploy_abort');
    // Read now: the fake Slack rewrites the message in place when the prompt is decided.
    const abortValue = buttonValue(prompt, 'deploy_abort');

    await clickDecides('deploy_abort', abortValue, users.lead, prompt, 'Aborted');
    await h.waitForState(1, 'aborted');

    // A second click on the old button changes nothing.
    const late = await click('deploy_abort', abortValue, users.lead, prompt.ts);
    expect(late.text).toMatch(/Already decided: Aborted by <@ULEAD>/);

    const restarted = await deploy('start v4.0.1');
    expect(restarted.text).toMatch(/Started deployment #2: v4\.0\.1 → production/);
    expect(await deploymentCount()).toBe(2);
    // The verification script still fails: let the new run halt before the workspace is removed.
    await h.waitForState(2, 'step_failed');
  });

  describe('malformed buttons', () => {
    it.each(['abc', '', '-1', '0', '1.5', '1e3', '99999999999999999999', '1; DROP TABLE prompts'])(
      'a click whose value is %j gets an ephemeral error, never a 500',
      async (value) => {
        h = await startHarness();
        const answer = await click('step_retry', value, users.lead);
        expect(answer.response_type).toBe('ephemeral');
        expect(answer.text).toMatch(/malformed|no longer exists/);
        expect(answer.text).not.toMatch(/Error:|at .*\.ts:\d+/);
      },
    );

    it('a click on a prompt that does not exist says so', async () => {
      h = await startHarness();
      const answer = await click('stage_promote', '424242', users.lead);
      expect(answer.text).toBe('That prompt no longer exists.');
    });
  });

  it('/deploy lock by the lead blocks a start; /deploy unlock lifts it', async () => {
    h = await startHarness(realTimeDecisions);
    const locked = await deploy('lock production maintenance');
    expect(locked.text).toMatch(/production is locked: maintenance/);

    const refused = await deploy('start v4.0.0');
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toMatch(/production is locked by <@ULEAD>: maintenance/);
    expect(await deploymentCount()).toBe(0);

    const strangerUnlock = await deploy('unlock production', users.stranger);
    expect(strangerUnlock.text).toMatch(/Only the Deployment Lead may lock or unlock an environment/);
    expect((await deploy('start v4.0.0')).text).toMatch(/locked/);

    const unlocked = await deploy('unlock production');
    expect(unlocked.text).toBe('production is unlocked.');
    // Halt the accepted run at its first step, so it is not still writing when the workspace is removed.
    await h.workspace.fail('phase5-test-runner');
    const started = await deploy('start v4.0.0');
    expect(started.text).toMatch(/Started deployment #1: v4\.0\.0 → production/);
    await h.waitForState(1, 'step_failed');
  });

  it('/deploy start v4.0.0 --dry-run runs no workspace command yet goes through to the soak', async () => {
    h = await startHarness(realTimeDecisions);
    const answer = await deploy('start v4.0.0 --dry-run');
    expect(answer.text).toMatch(/Started deployment #1: v4\.0\.0 → production as a dry run/);
    await h.waitForState(1, 'soaking', 20_000);
    expect(await h.workspace.invocations()).toEqual([]);
    const deployment = await h.deployment(1);
    expect(deployment?.dryRun).toBe(true);
    expect(deployment?.backupFile).toBeNull();
    expect(root()?.text).toContain('(dry run)');
    const status = await deploy('status');
    expect(blockText(status)).toContain('Dry run: commands are listed, not executed.');
  });

  describe('hostile requests', () => {
    it('a slash command body without text, user, trigger or response url gets no 5xx', async () => {
      h = await startHarness();
      const bodies = [
        // Each of these is left unanswered by the listener, so Bolt gives up after 3 s: keep the list short.
        'command=%2Fdeploy',
        '',
        // Answered at once.
        new URLSearchParams({ command: '/deploy', text: 'start v4.0.0' }).toString(),
        new URLSearchParams({ command: '/deploy', text: 'help', trigger_id: 'hostile-1' }).toString(),
        new URLSearchParams({ command: '/deploy', text: 'status', user_id: users.lead }).toString(),
      ];
      for (const body of bodies) {
        const reply = await h.client.raw(body, signSlackRequest(signingSecret, body));
        expect(reply.status, `status for ${JSON.stringify(body)}`).toBeLessThan(500);
      }
      expect(await deploymentCount()).toBe(0);
    });

    it('a block_actions payload that is not JSON gets no 5xx', async () => {
      h = await startHarness();
      for (const payload of ['not json', '{"type":"block_actions"', '', '{{}}', '<xml/>']) {
        const body = new URLSearchParams({ payload }).toString();
        const reply = await h.client.raw(body, signSlackRequest(signingSecret, body));
        expect(reply.status, `status for ${JSON.stringify(payload)}`).toBeLessThan(500);
      }
    });
  });
});
