import type { Config } from '../../config.js';
import type { Messenger } from '../slack/messenger.js';
import { emailNotifier } from './email-notifier.js';
import { gitHubNotifier } from './github-notifier.js';
import type { Notifiers } from './notifier.js';
import { pagerDutyNotifier } from './pagerduty-notifier.js';
import { slackNotifier } from './slack-notifier.js';
import { statuspageNotifier } from './statuspage-notifier.js';
import { webhookNotifier } from './webhook-notifier.js';

export type NotifyConfig = Pick<
  Config,
  'smtpUrl' | 'notifyEmails' | 'statuspage' | 'statusWebhookUrl' | 'inappWebhookUrl' | 'pagerduty' | 'github'
>;

/**
 * One notifier per configured channel. Slack is always there; email needs SMTP_URL and
 * NOTIFY_EMAILS; the status page uses the Statuspage API when configured, else STATUS_WEBHOOK_URL.
 */
export function createNotifiers(config: NotifyConfig, messenger: Messenger): Notifiers {
  const notifiers: Notifiers = { slack: slackNotifier(messenger) };
  if (config.smtpUrl && config.notifyEmails.length > 0) {
    notifiers.email = emailNotifier({ smtpUrl: config.smtpUrl, to: config.notifyEmails });
  }
  if (config.statuspage) notifiers.status_page = statuspageNotifier(config.statuspage);
  else if (config.statusWebhookUrl)
    notifiers.status_page = webhookNotifier(config.statusWebhookUrl, 'status_page');
  if (config.inappWebhookUrl) notifiers.in_app = webhookNotifier(config.inappWebhookUrl, 'in_app');
  if (config.pagerduty) notifiers.pagerduty = pagerDutyNotifier(config.pagerduty);
  if (config.github) notifiers.github = gitHubNotifier(config.github);
  return notifiers;
}

/** The notifiers of a running app; a bare test dependency set still reaches Slack. */
export function notifiersOf(deps: { notifiers?: Notifiers | undefined; messenger: Messenger }): Notifiers {
  return deps.notifiers ?? { slack: slackNotifier(deps.messenger) };
}
