import { describe, expect, it } from 'vitest';
import { collapsedMessage } from '../../../../src/announce/outbox/collapse-message.js';

const at = (iso: string) => new Date(iso);

describe('the message that replaces stale reminders', () => {
  it('says how many reminders were missed and lists them oldest first', () => {
    const message = collapsedMessage([
      { text: 'Soak check due for v4.0.0\nmore detail', sendAfter: at('2024-05-01T10:30:00Z') },
      { text: 'Go/no-go decision due', sendAfter: at('2024-05-01T09:00:00Z') },
    ]);
    expect(message.text).toBe(
      'While Stagecoach could not send, 2 reminders were missed:\n' +
        '• 2024-05-01 09:00 UTC: Go/no-go decision due\n' +
        '• 2024-05-01 10:30 UTC: Soak check due for v4.0.0',
    );
    expect(message.subject).toBe('Stagecoach: 2 missed reminders');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: message.text } }]);
  });

  it('stays short when an outage left many reminders behind', () => {
    const items = Array.from({ length: 45 }, (_, i) => ({
      text: `reminder ${i} ${'x'.repeat(500)}`,
      sendAfter: new Date(Date.UTC(2024, 4, 1, 0, i)),
    }));
    const message = collapsedMessage(items);
    expect(message.text.startsWith('While Stagecoach could not send, 45 reminders were missed:')).toBe(true);
    expect(message.text.endsWith('…and 25 more')).toBe(true);
    expect(message.text.split('\n')).toHaveLength(1 + 20 + 1);
    expect(message.text.length).toBeLessThan(3000);
  });

  it('speaks of one reminder in the singular', () => {
    const message = collapsedMessage([{ text: 'Soak check due', sendAfter: at('2024-05-01T10:30:00Z') }]);
    expect(message.text.startsWith('While Stagecoach could not send, 1 reminder was missed:')).toBe(true);
  });
});
