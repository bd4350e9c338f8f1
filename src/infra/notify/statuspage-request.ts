import type { StatusPageUpdate } from './notification.js';

export interface StatuspageRequest {
  method: 'POST' | 'PATCH';
  /** Relative to STATUSPAGE_API_URL, e.g. `/pages/abc123/incidents`. */
  path: string;
  body: { incident: Record<string, unknown> };
}

/**
 * The Atlassian Statuspage call for one update: POST /pages/{page_id}/incidents opens an incident
 * (a scheduled maintenance when status is 'scheduled' with scheduled_for/scheduled_until); when
 * an earlier notification already opened it, PATCH /pages/{page_id}/incidents/{incident_id}
 * moves it on (in_progress, verifying, completed) with a new update body.
 */
export function statuspageRequest(
  pageId: string,
  update: StatusPageUpdate,
  incidentId?: string,
): StatuspageRequest {
  const page = encodeURIComponent(pageId);
  const incident: Record<string, unknown> = { name: update.name, status: update.status, body: update.body };
  if (update.impact) incident.impact_override = update.impact;
  if (incidentId) {
    return {
      method: 'PATCH',
      path: `/pages/${page}/incidents/${encodeURIComponent(incidentId)}`,
      body: { incident },
    };
  }
  if (update.scheduledFor) incident.scheduled_for = update.scheduledFor;
  if (update.scheduledUntil) incident.scheduled_until = update.scheduledUntil;
  return { method: 'POST', path: `/pages/${page}/incidents`, body: { incident } };
}
