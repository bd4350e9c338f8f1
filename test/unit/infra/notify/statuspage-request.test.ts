import { describe, expect, it } from 'vitest';
import { statuspageRequest } from '../../../../src/infra/notify/statuspage-request.js';

describe('the Statuspage call for a maintenance notice', () => {
  it('schedules a maintenance with its window', () => {
    expect(
      statuspageRequest('pg1', {
        name: 'EHR frontend v4.0.0',
        status: 'scheduled',
        body: 'The EHR frontend is updated; expect a short interruption.',
        scheduledFor: '2024-05-01T22:00:00.000Z',
        scheduledUntil: '2024-05-02T00:00:00.000Z',
        impact: 'minor',
      }),
    ).toEqual({
      method: 'POST',
      path: '/pages/pg1/incidents',
      body: {
        incident: {
          name: 'EHR frontend v4.0.0',
          status: 'scheduled',
          body: 'The EHR frontend is updated; expect a short interruption.',
          scheduled_for: '2024-05-01T22:00:00.000Z',
          scheduled_until: '2024-05-02T00:00:00.000Z',
          impact_override: 'minor',
        },
      },
    });
  });

  it('moves the maintenance an earlier notice opened on, instead of opening another', () => {
    expect(
      statuspageRequest(
        'pg1',
        { name: 'EHR frontend v4.0.0', status: 'in_progress', body: 'Started.', incidentKey: 'k' },
        'inc/42',
      ),
    ).toEqual({
      method: 'PATCH',
      path: '/pages/pg1/incidents/inc%2F42',
      body: { incident: { name: 'EHR frontend v4.0.0', status: 'in_progress', body: 'Started.' } },
    });
  });

  it('opens a new incident for an update whose opener was never sent', () => {
    const call = statuspageRequest('pg1', {
      name: 'EHR frontend v4.0.0',
      status: 'completed',
      body: 'Done.',
    });
    expect(call.method).toBe('POST');
    expect(call.body.incident).toEqual({ name: 'EHR frontend v4.0.0', status: 'completed', body: 'Done.' });
  });
});
