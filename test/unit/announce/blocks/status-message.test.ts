import { describe, expect, it } from 'vitest';
import { noDeploymentMessage, statusMessage } from '../../../../src/announce/blocks/status-message.js';
import { deploymentStates } from '../../../../src/deploy/model/lifecycle.js';
import type { Message } from '../../../../src/infra/slack/block-kit.js';
import {
  allText,
  at,
  deployment,
  describeEveryMessage,
  expectWithinSlackLimits,
  midwaySteps,
  now,
  plan,
  stepRun,
  timeZone,
} from './fixtures.js';

/** One message of each kind this file's builders make, for the checks every message passes. */
function statusMessages(): [string, Message][] {
  return [
    [
      'status',
      statusMessage({
        deployment: deployment(),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      }),
    ],
    ['no deployment', noDeploymentMessage()],
    ['no deployment of staging', noDeploymentMessage('staging')],
  ];
}

describe('message builders', () => {
  describeEveryMessage(statusMessages());

  describe('the status message', () => {
    const status = () =>
      statusMessage({
        deployment: deployment({ state: 'step_failed' }),
        steps: [
          stepRun(0, { status: 'failed', startedAt: at(0), finishedAt: at(12), summary: 'exit code 1' }),
          stepRun(1),
        ],
        application: plan.application,
        timeZone,
        now,
      });

    it('shows the state, every step with its duration and outcome, and who started it', () => {
      const message = status();
      const text = allText(message);
      expect(message.text).toContain('#7 Medplum EHR v4.0.0 → production');
      expect(message.text).toContain('Halted: a step failed');
      expect(text).toContain(`*${plan.steps[0]?.name}*: failed · 12s · exit code 1`);
      expect(text).toContain(`*${plan.steps[1]?.name}*: pending`);
      expect(text).toContain('<@ULEAD>');
      expect(text).toContain('deployment-7.dump');
      expect(text).not.toContain('/var/backups');
    });

    it('counts a running step up to now', () => {
      const message = statusMessage({
        deployment: deployment(),
        steps: [stepRun(0, { status: 'running', startedAt: at(3 * 3600 - 90) })],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('running · 1m 30s');
    });

    it('says when a deployment has no steps yet', () => {
      const message = statusMessage({
        deployment: deployment(),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('No steps yet.');
    });

    it('says a dry run executes nothing', () => {
      const message = statusMessage({
        deployment: deployment({ dryRun: true }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('Dry run: commands are listed, not executed.');
    });

    it('fits Slack limits with a long version and many long step summaries', () => {
      const steps = Array.from({ length: 100 }, (_, index) =>
        stepRun(0, {
          id: index,
          stepName: 'y'.repeat(300),
          status: 'failed',
          summary: 'z'.repeat(500),
          startedAt: at(0),
          finishedAt: at(1),
        }),
      );
      expectWithinSlackLimits(
        statusMessage({
          deployment: deployment({ version: `v1.0.0-${'a'.repeat(400)}` }),
          steps,
          application: plan.application,
          timeZone,
          now,
        }),
      );
    });

    it.each(deploymentStates)('has a label for the %s state', (state) => {
      const message = statusMessage({
        deployment: deployment({ state }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).not.toContain('undefined');
      expectWithinSlackLimits(message);
    });
  });
});
