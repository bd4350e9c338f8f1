import { describe, expect, it } from 'vitest';
import {
  type AlertMember,
  alertmanagerKey,
  breachesInTrouble,
  inTrouble,
  isAllBack,
  joinGroup,
  latestPerKey,
  membersOf,
  monitorKey,
  settleMember,
} from '../../../../src/deploy/model/alert-group.js';

const at = '2025-06-07T14:00:00.000Z';
const monitor = (metricId: string, kind: 'breach' | 'unknown' = 'breach'): AlertMember => ({
  key: monitorKey(metricId),
  source: 'monitor',
  raisedAt: at,
  metricId,
  name: metricId,
  kind,
  unit: 'ratio',
  comparison: 'above',
  threshold: 0.01,
  consecutive: 3,
  since: at,
  value: 0.3,
});
const external = (fingerprint: string): AlertMember => ({
  key: alertmanagerKey(fingerprint),
  source: 'alertmanager',
  raisedAt: at,
  fingerprint,
  alertname: 'HighErrorRate',
  environment: 'production',
});

describe('an alert group', () => {
  it('takes what is new and ignores a repeat of what is still in trouble', () => {
    const first = joinGroup([], [monitor('error_rate'), monitor('cpu')]);
    const again = joinGroup(first, [monitor('error_rate'), external('f1'), external('f1')]);
    expect(again.map((m) => m.key)).toEqual(['monitor:error_rate', 'monitor:cpu', 'alertmanager:f1']);
  });

  it('is all back only once every member came back, and a member back then in trouble again shows once', () => {
    const when = new Date('2025-06-07T14:10:00.000Z');
    let members = joinGroup([], [monitor('error_rate'), monitor('cpu', 'unknown')]);
    members = settleMember(members, monitorKey('error_rate'), when, 0.004);
    expect(isAllBack(members)).toBe(false);
    expect(breachesInTrouble(members)).toEqual([]);
    expect(members[0]).toMatchObject({ settledAt: when.toISOString(), settledValue: 0.004 });
    // Back, then breached again while the group is open: a new entry, one line.
    members = joinGroup(members, [monitor('error_rate')]);
    expect(members).toHaveLength(3);
    expect(latestPerKey(members).map((m) => [m.key, m.settledAt])).toEqual([
      ['monitor:cpu', undefined],
      ['monitor:error_rate', undefined],
    ]);
    members = settleMember(members, monitorKey('cpu'), when);
    members = settleMember(members, monitorKey('error_rate'), when);
    expect(inTrouble(members)).toEqual([]);
    expect(isAllBack(members)).toBe(true);
  });

  it('reads its members from a prompt payload, and none from an alert recorded before grouping', () => {
    expect(membersOf({ members: [monitor('cpu')] })).toHaveLength(1);
    expect(membersOf({ metricId: 'cpu' })).toBeUndefined();
  });
});
