import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { clickAndSubmit } from '../support/modals.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find(
    (block: { type: string; block_id?: string }) => block.type === 'actions' && block.block_id !== 'links',
  )?.elements ?? [];

// Issue #16: where people must type, a form asks, with the same checks as the command.
describe('modals through signed view_submission requests', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const prompt = async (harness: Harness, actionId: string) => {
    const rootTs = await waitUntil(async () => (await harness.deployment(1))?.rootTs ?? undefined, {
      label: 'the root',
    });
    return waitUntil(
      () =>
        harness.slack
          .thread('C_DEPLOY', rootTs)
          .findLast((m) => buttonsOf(m).some((b) => b.action_id === actionId)),
      { label: `a prompt with ${actionId}`, timeoutMs: 20_000 },
    );
  };
  const submit = (
    harness: Harness,
    message: FakeMessage,
    actionId: string,
    user: string,
    form: { text?: string; severity?: string },
  ) => {
    const button = buttonsOf(message).find((b) => b.action_id === actionId) as Button;
    return clickAndSubmit(harness, { actionId, value: button.value, messageTs: message.ts, user }, form);
  };

  it('[Report issue] on a check-in files the issue with its severity; a missing severity or description is refused in the form', async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    const checkIn = await prompt(harness, 'checkin_report_issue');

    const blank = await submit(harness, checkIn, 'checkin_report_issue', users.dba, {
      severity: 'major',
      text: '  ',
    });
    expect(blank.json).toMatchObject({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/Write a few words/) },
    });
    const noSeverity = await submit(harness, checkIn, 'checkin_report_issue', users.dba, {
      text: 'Search is slow',
    });
    expect(noSeverity.json).toMatchObject({
      response_action: 'errors',
      errors: { severity: expect.stringMatching(/Choose a severity/) },
    });
    expect((await harness.db.query('SELECT 1 FROM issues')).rowCount).toBe(0);

    const filed = await submit(harness, checkIn, 'checkin_report_issue', users.dba, {
      severity: 'major',
      text: 'Search filters slow for some clinics',
    });
    expect(filed.text).toBe('');
    const issues = await harness.db.query<{ severity: string; description: string; reported_by: string }>(
      'SELECT severity, description, reported_by FROM issues',
    );
    expect(issues.rows).toEqual([
      { severity: 'major', description: 'Search filters slow for some clinics', reported_by: users.dba },
    ]);
    await prompt(harness, 'issue_resolved');
  });

  it('[Resume] asks why it is safe and records the reason; someone without the role is refused in the form', async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    const harness = h;
    await harness.workspace.hang('phase5-test-runner');
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'running');
    await harness.client.command('hold waiting for the bridge call', { user: users.lead });
    const held = await prompt(harness, 'deploy_resume');

    const stranger = await submit(harness, held, 'deploy_resume', users.stranger, { text: 'looks fine' });
    expect(stranger.json).toMatchObject({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/Only the/) },
    });
    expect((await harness.deployment(1))?.state).toBe('held');

    const resumed = await submit(harness, held, 'deploy_resume', users.lead, {
      text: 'Go decided on the bridge call',
    });
    expect(resumed.text).toBe('');
    await harness.waitForState(1, 'running');
    const audit = await harness.db.query<{ detail: { reason?: string } }>(
      `SELECT detail FROM audit_log WHERE action = 'resume'`,
    );
    expect(audit.rows.map((row) => row.detail.reason)).toEqual(['Go decided on the bridge call']);
  });
});
