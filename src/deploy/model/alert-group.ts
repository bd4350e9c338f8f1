/**
 * One alert message for everything that goes wrong together (issue #18), like Alertmanager's
 * grouping: what breaches while the group is open joins it, what comes back is marked so, and
 * once everything is back the group is done and the next trouble opens a new one. Kept in the
 * alert prompt's payload as plain JSON; these functions are pure.
 */
export type AlertMember = MonitorMember | AlertmanagerMember;

interface MemberBase {
  /** `monitor:<metric id>` or `alertmanager:<fingerprint>`: announced once while in trouble. */
  key: string;
  /** When it joined the group (ISO-8601): the success criteria count these. */
  raisedAt: string;
  /** When it came back (ISO-8601); absent while still in trouble. */
  settledAt?: string;
}

/** One of the plan's monitors, with what the message needs to say about it. */
export interface MonitorMember extends MemberBase {
  source: 'monitor';
  metricId: string;
  name: string;
  /** Beyond its threshold, or without data (unknown is not a pass). */
  kind: 'breach' | 'unknown';
  unit: string;
  comparison: 'above' | 'below';
  threshold: number;
  consecutive: number;
  /** ISO-8601: since when the readings were bad. */
  since: string;
  value?: number;
  detail?: string;
  /** The reading when it came back. */
  settledValue?: number;
}

/** An alert from the team's own Alertmanager. */
export interface AlertmanagerMember extends MemberBase {
  source: 'alertmanager';
  fingerprint: string;
  alertname: string;
  environment: string;
  summary?: string;
  generatorUrl?: string;
}

export const monitorKey = (metricId: string) => `monitor:${metricId}`;
export const alertmanagerKey = (fingerprint: string) => `alertmanager:${fingerprint}`;

export const inTrouble = (members: readonly AlertMember[]) =>
  members.filter((m) => m.settledAt === undefined);

/** Whether everything in the group came back: the group is done. */
export const isAllBack = (members: readonly AlertMember[]) =>
  members.length > 0 && inTrouble(members).length === 0;

/** Monitors still beyond their threshold: what an auto-rollback acts on (no data alone never rolls back). */
export const breachesInTrouble = (members: readonly AlertMember[]) =>
  inTrouble(members).filter((m) => m.source === 'monitor' && m.kind === 'breach');

/** Adds what is not already in trouble in the group; a repeat of one in trouble is no news. */
export function joinGroup(members: readonly AlertMember[], joining: readonly AlertMember[]): AlertMember[] {
  const troubled = new Set(inTrouble(members).map((m) => m.key));
  const added: AlertMember[] = [];
  for (const member of joining) {
    if (troubled.has(member.key)) continue;
    troubled.add(member.key);
    added.push(member);
  }
  return [...members, ...added];
}

/** Marks the member with `key` back, if it is in trouble; anything else is left as it was. */
export function settleMember(
  members: readonly AlertMember[],
  key: string,
  at: Date,
  value?: number,
): AlertMember[] {
  return members.map((m) => {
    if (m.key !== key || m.settledAt !== undefined) return m;
    const settled = { ...m, settledAt: at.toISOString() };
    return settled.source === 'monitor' && value !== undefined
      ? { ...settled, settledValue: value }
      : settled;
  });
}

/** What the message shows: one line per key, its latest entry (a monitor back, then in trouble again, once). */
export function latestPerKey(members: readonly AlertMember[]): AlertMember[] {
  const latest = new Map<string, AlertMember>();
  for (const member of members) {
    latest.delete(member.key);
    latest.set(member.key, member);
  }
  return [...latest.values()];
}

/** The members of an alert prompt's payload; none for an alert recorded before grouping existed. */
export function membersOf(payload: Record<string, unknown>): AlertMember[] | undefined {
  return Array.isArray(payload.members) ? (payload.members as AlertMember[]) : undefined;
}
