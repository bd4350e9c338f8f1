// Issue #15: under `traffic: none` no message claims a share of traffic; with a traffic command
// the messages say the percentage the command set.
import { describe, expect, it } from 'vitest';
import { checkInMessage } from '../../../../src/announce/blocks/check-in-message.js';
import { homeView } from '../../../../src/announce/blocks/home-view.js';
import { rolloutSentence, stagePercent, trafficLabel } from '../../../../src/announce/blocks/labels.js';
import {
  declarePrompt,
  promotionPrompt,
  stageLiveMessage,
} from '../../../../src/announce/blocks/rollout-messages.js';
import { rootMessage } from '../../../../src/announce/blocks/root-message.js';
import { statusMessage } from '../../../../src/announce/blocks/status-message.js';
import { promotionButtons } from '../../../../src/announce/buttons.js';
import { formatDuration } from '../../../../src/plan/duration.js';
import { allText, at, canary, deployment, expanded, midwaySteps, now, plan, timeZone } from './fixtures.js';

const share = /(?<![\d.])\d+ ?%/;
const live = deployment({ state: 'soaking', stageIndex: 0, currentPercent: 0 });
const snapshot = { takenAt: now, metrics: [], health: { status: 'ok' as const, summary: 'healthy' } };

describe('the traffic a deployment is at', () => {
  it('is the percentage a traffic command set, or never one without traffic control', () => {
    expect(trafficLabel('command', { currentPercent: 50, stageIndex: 1 })).toBe('50%');
    expect(trafficLabel('none', { currentPercent: 0, stageIndex: null })).toBe('no traffic control');
    expect(trafficLabel('none', { currentPercent: 0, stageIndex: 1 })).toBe('all users (no traffic control)');
    expect(stagePercent('command', canary)).toBe(' (10%)');
    expect(stagePercent('none', canary)).toBe('');
  });

  it("is told to support from the plan's stages", () => {
    expect(rolloutSentence('command', plan.stages, formatDuration)).toBe(
      'The new version reaches 10% of users first, then 50% of users after at least 24h more, then everyone after at least 48h more.',
    );
    expect(rolloutSentence('none', plan.stages, formatDuration)).toBe(
      'There is no traffic control: the new version reaches all users at once and is watched through 3 stages (Stage 1: Canary, Stage 2: Expanded, Stage 3: Full).',
    );
  });
});

describe('messages under traffic: none', () => {
  const messages = {
    root: rootMessage({
      deployment: live,
      steps: midwaySteps(),
      application: plan.application,
      timeZone,
      now,
      traffic: 'none',
    }),
    status: statusMessage({
      deployment: live,
      steps: midwaySteps(),
      application: plan.application,
      timeZone,
      now,
      traffic: 'none',
    }),
    stageLive: stageLiveMessage({ stage: canary, soakUntil: at(3600), timeZone, traffic: 'none' }),
    promotion: promotionPrompt({
      stage: canary,
      next: expanded,
      approvers: 'Deployment Lead',
      promptId: 3,
      buttons: promotionButtons(3, undefined, expanded.name),
      traffic: 'none',
    }),
    declare: declarePrompt({ promptId: 4, approvers: 'Project Lead', buttons: [], traffic: 'none' }),
    checkIn: checkInMessage({
      number: 1,
      total: 12,
      snapshot,
      percent: 0,
      traffic: 'none',
      missed: [],
      timeZone,
      promptId: 5,
    }),
  };

  for (const [name, message] of Object.entries(messages)) {
    it(`${name} claims no share of traffic`, () => {
      expect(allText(message)).not.toMatch(share);
    });
  }

  it('says so where the traffic would be', () => {
    expect(allText(messages.root)).toContain('all users (no traffic control)');
    expect(allText(messages.status)).toContain('all users (no traffic control)');
    expect(messages.stageLive.text).toContain('*Stage 1: Canary* is live (no traffic control)');
    expect(messages.promotion.text).toContain('Promote to *Stage 2: Expanded*?');
    expect(allText(messages.promotion)).toContain('Promote to Stage 2: Expanded');
    expect(messages.checkIn.text).toContain('no traffic control: all users on the new version');
    const home = homeView({
      deployments: [{ deployment: live, stageName: canary.name, nextDecision: 'promote' }],
      roleNames: [],
      timeZone,
      now,
      traffic: 'none',
    });
    expect(JSON.stringify(home.blocks)).not.toMatch(share);
  });

  it('with a traffic command, the messages keep their percentages', () => {
    expect(stageLiveMessage({ stage: canary, soakUntil: at(3600), timeZone }).text).toContain(
      'is live at *10%*',
    );
    const root = rootMessage({
      deployment: deployment({ currentPercent: 10, stageIndex: 0 }),
      steps: [],
      application: plan.application,
      timeZone,
      now,
    });
    expect(JSON.stringify(root.blocks)).toContain('*Traffic*\\n10%');
  });
});
