import { describe, expect, it } from 'vitest';
import { rootMessage } from '../../../../src/announce/blocks/root-message.js';
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
function rootMessages(): [string, Message][] {
  return [
    [
      'root',
      rootMessage({
        deployment: deployment(),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      }),
    ],
  ];
}

describe('message builders', () => {
  describeEveryMessage(rootMessages());

  describe('the root message', () => {
    it('names the application, version, environment, state, traffic and who started it', () => {
      const message = rootMessage({
        deployment: deployment({ state: 'soaking', currentPercent: 10 }),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).toBe('Medplum EHR v4.0.0 → production: Soaking');
      const text = allText(message);
      expect(text).toContain('Deployment #7: Medplum EHR v4.0.0 → production');
      expect(text).toContain('10%');
      expect(text).toContain('<@ULEAD>');
      expect(text).toContain('v3.9.0');
    });

    it('lists the steps with how long the finished ones took', () => {
      const text = allText(
        rootMessage({
          deployment: deployment(),
          steps: midwaySteps(),
          application: plan.application,
          timeZone,
          now,
        }),
      );
      expect(text).toContain(`${plan.steps[0]?.name} (1m 35s)`);
      expect(text).toContain(`${plan.steps[1]?.name} (1h 2m)`);
    });

    it('marks a dry run', () => {
      const message = rootMessage({
        deployment: deployment({ dryRun: true }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).toContain('(dry run)');
      expectWithinSlackLimits(message);
    });

    it('stays within the header and section limits with a huge plan and long names', () => {
      const steps = Array.from({ length: 300 }, (_, index) =>
        stepRun(index % plan.steps.length, {
          id: index + 1,
          position: index + 1,
          stepName: `step ${index} ${'x'.repeat(200)}`,
          status: 'succeeded',
          startedAt: at(0),
          finishedAt: at(5),
        }),
      );
      const message = rootMessage({
        deployment: deployment({ version: `v4.0.0-${'rc.'.repeat(80)}1` }),
        steps,
        application: 'A'.repeat(400),
        timeZone,
        now,
      });
      expectWithinSlackLimits(message);
    });
  });
});

describe('the root message as a live summary', () => {
  it('says who promoted each stage, and why when it was promoted before its soak ended', () => {
    const message = rootMessage({
      deployment: deployment({ state: 'soaking', currentPercent: 100, stageIndex: 2 }),
      steps: midwaySteps(),
      application: plan.application,
      timeZone,
      now,
      summary: {
        stages: [
          { name: 'Stage 1: Canary', percent: 10, liveAt: at(0) },
          { name: 'Stage 2: Expanded', percent: 50, liveAt: at(60), promotedBy: 'ULEAD' },
          {
            name: 'Stage 3: Full',
            percent: 100,
            liveAt: at(120),
            promotedBy: 'UAPPROVER',
            earlyReason: 'hotfix for the login outage',
          },
        ],
        waiting: [],
        openIssues: [],
      },
    });
    const text = allText(message);
    expect(text).toMatch(/Stage 2: Expanded \(50%\) live .* · promoted by <@ULEAD>/);
    expect(text).toMatch(
      /Stage 3: Full \(100%\) live .* · promoted early by <@UAPPROVER>: hotfix for the login outage/,
    );
  });
});
