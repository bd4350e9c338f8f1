import { describe, expect, it } from 'vitest';
import { formatDateToken, renderMrkdwn } from '../../../../src/infra/local/public/render-mrkdwn.js';

const names = { userName: () => undefined, channelName: () => undefined };

describe('the local console shows Slack date tokens as Slack does', () => {
  it('in the reader’s zone, with the day', () => {
    const now = new Date(2026, 11, 2, 3, 0);
    expect(formatDateToken('{date_short_pretty} at {time}', new Date(2026, 11, 2, 22, 59), now)).toBe(
      'Today at 10:59 PM',
    );
    expect(formatDateToken('{date_short_pretty} at {time}', new Date(2026, 11, 3, 4, 5), now)).toBe(
      'Tomorrow at 4:05 AM',
    );
    expect(formatDateToken('{date_short_pretty}', new Date(2026, 11, 9, 4, 5), now)).toBe('Dec 9');
  });

  it('keeps the fallback as the title and never shows the raw token', () => {
    const html = renderMrkdwn(
      'until <!date^1764730740^{date_short_pretty} at {time}|Wed, Dec 2, 22:59 EST>.',
      names,
    );
    expect(html).not.toContain('!date');
    expect(html).toMatch(
      /^until <time datetime="2025-12-03T02:59:00.000Z" title="Wed, Dec 2, 22:59 EST">.+<\/time>\.$/,
    );
  });
});
