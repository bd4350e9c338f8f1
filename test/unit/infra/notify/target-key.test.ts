import { describe, expect, it } from 'vitest';
import { targetKey } from '../../../../src/infra/notify/target-key.js';

describe('the order in which notifications of one target are delivered', () => {
  it('keeps a Slack channel and each of its threads as separate sequences', () => {
    expect(targetKey('slack', { channel: 'C1' })).toBe('slack:C1');
    expect(targetKey('slack', { channel: 'C1', threadTs: '1700000000.000100' })).toBe(
      'slack:C1:1700000000.000100',
    );
    expect(targetKey('slack', { channel: 'C2' })).not.toBe(targetKey('slack', { channel: 'C1' }));
  });

  it('keeps the edits of one prompt in their own sequence, apart from the thread they sit in', () => {
    const edit = targetKey('slack', { channel: 'C1', refreshesPrompt: 7 });
    expect(edit).toBe('slack:C1:prompt:7');
    expect(targetKey('slack', { channel: 'C1', refreshesPrompt: 8 })).not.toBe(edit);
    expect(targetKey('slack', { channel: 'C1', deploymentThread: 1 })).not.toBe(edit);
  });

  it('treats the same email recipients in another order as the same inbox sequence', () => {
    expect(targetKey('email', { to: ['b@example.com', 'a@example.com'] })).toBe(
      targetKey('email', { to: ['a@example.com', 'b@example.com'] }),
    );
    expect(targetKey('email', {})).toBe('email');
  });

  it('puts every status page and in-app notice in one sequence each', () => {
    expect(targetKey('status_page', {})).toBe('status_page');
    expect(targetKey('in_app', {})).toBe('in_app');
  });

  it('refuses a Slack notification without a channel', () => {
    expect(() => targetKey('slack', {})).toThrow(/target.channel/);
  });
});
