import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/report/history-entry.js';
import { historyMessage } from '../../../src/report/history-message.js';
import { at, plan } from './fixture.js';

const entry = (overrides: Partial<HistoryEntry>): HistoryEntry => ({
  id: 1,
  environment: 'production',
  version: 'v4.0.0',
  state: 'completed',
  startedBy: 'ULEAD',
  dryRun: false,
  createdAt: at(0),
  endedAt: at(76),
  ...overrides,
});

describe('historyMessage', () => {
  const message = historyMessage({
    history: [
      {
        environment: 'production',
        deployments: [
          entry({ id: 3, version: 'v4.0.1', state: 'soaking', endedAt: null, createdAt: at(100) }),
          entry({
            id: 2,
            version: 'v4.0.0',
            state: 'rolled_back',
            startedBy: 'UDBA',
            createdAt: at(10),
            endedAt: at(12.5),
          }),
          entry({ id: 1, dryRun: true }),
        ],
      },
      { environment: 'staging', deployments: [] },
    ],
    application: plan.application,
    timeZone: plan.timezone,
    now: at(102),
  });
  const sections = message.blocks
    .filter((b) => b.type === 'section')
    .map((b) => (b.text as { text: string }).text);

  it('lists each environment newest first with outcome, who, when and how long', () => {
    expect(sections[0]).toBe(
      [
        '*production*',
        '#3 `v4.0.1` · :hourglass_flowing_sand: Soaking · <@ULEAD> · Thu, Dec 10, 2026, 02:00 EST · running for 2h',
        '#2 `v4.0.0` · :leftwards_arrow_with_hook: Rolled back · <@UDBA> · Sun, Dec 6, 2026, 08:00 EST · took 2h 30m',
        '#1 `v4.0.0` (dry run) · :white_check_mark: Completed · <@ULEAD> · Sat, Dec 5, 2026, 22:00 EST · took 76h',
      ].join('\n'),
    );
  });

  it('says when an environment has no deployments yet', () => {
    expect(sections[1]).toBe('*staging*\n_No deployments yet._');
    expect(message.text).toBe('Recent Medplum EHR deployments (production: 3, staging: 0).');
  });
});
