import type { AuditRow } from '../infra/db/audit.js';
import type { TimelineEntry } from './report.js';

/** The audit log as the review's timeline: every state change and decision, and who made it. */
export function buildTimeline(audit: AuditRow[]): TimelineEntry[] {
  return audit.map((row) => ({
    at: row.createdAt,
    actor: row.actor,
    action: row.action,
    from: row.fromState,
    to: row.toState,
    detail: summarizeDetail(row.detail),
  }));
}

/** `reason: hotfix, toPercent: 50`: the scalar fields of an audit detail, clipped, in their stored order. */
export function summarizeDetail(detail: Record<string, unknown>, limit = 200): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || value === '') continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    parts.push(`${key}: ${text.replace(/\s+/g, ' ').trim()}`);
  }
  const joined = parts.join(', ');
  return joined.length <= limit ? joined : `${[...joined].slice(0, limit - 1).join('')}…`;
}
