import type { NotificationChannel, NotificationTarget } from './notification.js';

/**
 * The ordering key: notifications with the same key are delivered in creation order, so a
 * later one never overtakes an earlier one still pending. A Slack thread is its own sequence,
 * apart from the channel's top level; every other channel is one sequence.
 */
export function targetKey(channel: NotificationChannel, target: NotificationTarget): string {
  if (channel === 'slack') {
    const {
      channel: slackChannel,
      threadTs,
      deploymentThread,
      refreshesPrompt,
    } = target as {
      channel?: unknown;
      threadTs?: unknown;
      deploymentThread?: unknown;
      refreshesPrompt?: unknown;
    };
    if (typeof slackChannel !== 'string' || slackChannel === '')
      throw new TypeError('a Slack notification needs target.channel');
    // Edits of one prompt keep their order among themselves, and never hold up the thread behind them.
    if (typeof refreshesPrompt === 'number') return `slack:${slackChannel}:prompt:${refreshesPrompt}`;
    if (typeof deploymentThread === 'number') return `slack:${slackChannel}:deployment:${deploymentThread}`;
    return typeof threadTs === 'string' && threadTs !== ''
      ? `slack:${slackChannel}:${threadTs}`
      : `slack:${slackChannel}`;
  }
  if (channel === 'email') {
    const { to } = target as { to?: unknown };
    // Recipients are compared as a set: the same people in another order are the same inbox sequence.
    return Array.isArray(to) && to.length > 0 ? `email:${[...to].map(String).sort().join(',')}` : 'email';
  }
  return channel;
}
