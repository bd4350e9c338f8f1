import { describe, expect, it } from 'vitest';
import { alertGroupMessage } from '../../../../src/announce/blocks/alert-message.js';
import {
  type AlertMember,
  alertmanagerKey,
  monitorKey,
  settleMember,
} from '../../../../src/deploy/model/alert-group.js';
import type { Block } from '../../../../src/infra/slack/block-kit.js';

const since = '2025-06-07T14:00:00.000Z';
const errorRate: AlertMember = {
  key: monitorKey('error_rate'),
  source: 'monitor',
  raisedAt: since,
  metricId: 'error_rate',
  name: 'Error rate',
  kind: 'breach',
  unit: 'ratio',
  comparison: 'above',
  threshold: 0.01,
  consecutive: 3,
  since,
  value: 0.3,
};
const latency: AlertMember = {
  ...errorRate,
  key: monitorKey('api_p95_latency'),
  metricId: 'api_p95_latency',
  name: 'API response time (p95)',
  unit: 's',
  threshold: 0.5,
  value: 1.8,
};
const cpu: AlertMember = {
  ...errorRate,
  key: monitorKey('cpu'),
  metricId: 'cpu',
  name: 'Server CPU usage',
  kind: 'unknown',
  detail: 'no samples',
};
const actionIds = (blocks: Block[]) =>
  blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));

describe('the grouped alert message', () => {
  it('lists every monitor in trouble with its value and threshold, under one set of buttons', () => {
    const message = alertGroupMessage({
      members: [errorRate, latency, cpu],
      timeZone: 'UTC',
      promptId: 7,
      autoRollbackAt: new Date('2025-06-07T14:10:00.000Z'),
    });
    expect(message.text).toMatch(/^:rotating_light: 3 monitors in trouble\n/);
    expect(message.text).toMatch(/Error rate is 30\.0%, beyond its threshold \(at most 1\.0%\)/);
    expect(message.text).toMatch(
      /API response time \(p95\) is 1\.80 s, beyond its threshold \(at most 500 ms\)/,
    );
    expect(message.text).toMatch(/Server CPU usage has no data since/);
    expect(JSON.stringify(message.blocks)).toContain('Auto-rollback at');
    expect(actionIds(message.blocks)).toEqual(['deploy_rollback', 'alert_ack', 'alert_hold']);
  });

  it('one monitor alone reads as it always did, without a heading', () => {
    const message = alertGroupMessage({ members: [errorRate], timeZone: 'UTC', promptId: 1 });
    expect(message.text).toMatch(
      /^:rotating_light: Error rate is 30\.0%, beyond its threshold \(at most 1\.0%\), since /,
    );
    expect(actionIds(message.blocks)).toEqual(['deploy_rollback', 'alert_ack']);
  });

  it('marks what came back, drops the auto-rollback once no breach is left, and says all clear at the end', () => {
    const back = new Date('2025-06-07T14:05:00.000Z');
    const partly = settleMember([errorRate, cpu], errorRate.key, back, 0.004);
    const message = alertGroupMessage({
      members: partly,
      timeZone: 'UTC',
      promptId: 2,
      autoRollbackAt: new Date('2025-06-07T14:10:00.000Z'),
    });
    expect(message.text).toMatch(/^:rotating_light: 1 monitor in trouble · 1 back to normal/);
    expect(message.text).toMatch(/:large_green_circle: Error rate is back within its threshold \(0\.40%\)/);
    expect(JSON.stringify(message.blocks)).not.toContain('Auto-rollback');
    expect(actionIds(message.blocks)).toEqual(['deploy_rollback', 'alert_ack']);
    const clear = alertGroupMessage({
      members: settleMember(partly, cpu.key, back),
      timeZone: 'UTC',
      promptId: 2,
    });
    expect(clear.text).toMatch(
      /^:large_green_circle: All clear: everything in this alert is back to normal\./,
    );
  });

  it('shows an Alertmanager alert beside the monitors, with a link to its source', () => {
    const message = alertGroupMessage({
      members: [
        errorRate,
        {
          key: alertmanagerKey('f1'),
          source: 'alertmanager',
          raisedAt: since,
          fingerprint: 'f1',
          alertname: 'HighErrorRate',
          environment: 'production',
          summary: 'errors above 5%',
          generatorUrl: 'http://prometheus.example:9090/graph',
        },
      ],
      timeZone: 'UTC',
      promptId: 3,
    });
    expect(message.text).toMatch(/^:rotating_light: 2 alerts in trouble/);
    expect(message.text).toContain(
      "Alertmanager: HighErrorRate is firing on production: errors above 5% <http://prometheus.example:9090/graph|Open the alert's source>",
    );
  });

  it('shows an Alertmanager annotation as written: it cannot mention the channel', () => {
    const message = alertGroupMessage({
      members: [
        {
          key: alertmanagerKey('f2'),
          source: 'alertmanager',
          raisedAt: since,
          fingerprint: 'f2',
          alertname: 'DiskFull',
          environment: 'production',
          summary: '<!channel> disk & <https://evil.example|click>',
        },
      ],
      timeZone: 'UTC',
      promptId: 5,
    });
    expect(message.text).toContain('&lt;!channel&gt; disk &amp; &lt;https://evil.example|click&gt;');
    expect(message.text).not.toContain('<!channel>');
  });

  it('lists at most 20 lines and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      ...errorRate,
      key: `monitor:m${i}`,
      name: `M${i}`,
    }));
    const message = alertGroupMessage({ members: many, timeZone: 'UTC', promptId: 4 });
    expect(message.blocks.length).toBeLessThanOrEqual(23);
    expect(JSON.stringify(message.blocks)).toContain('…and 5 more.');
  });
});
