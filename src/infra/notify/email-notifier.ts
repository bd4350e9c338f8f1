import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { createTransport } from 'nodemailer';
import type { EmailTarget } from './notification.js';
import type { Notifier } from './notifier.js';

export interface EmailConfig {
  smtpUrl: string;
  to: string[];
  from?: string | undefined;
}

/**
 * Email over SMTP (SMTP_URL) to NOTIFY_EMAILS. The Message-ID comes from the dedupe key, so a
 * resend after a crash is the same message to mail systems that drop duplicates.
 */
export function emailNotifier(config: EmailConfig): Notifier {
  const transport = createTransport({
    url: config.smtpUrl,
    // Nodemailer waits minutes by default; a stuck server should fail the attempt and let it retry.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const from = config.from ?? defaultFrom(config.smtpUrl);
  return {
    duplicateSafe: true,
    async send(notification) {
      const target = notification.target as EmailTarget;
      const { text, subject } = notification.message;
      const info = await transport.sendMail({
        from,
        to: target.to && target.to.length > 0 ? target.to : config.to,
        subject: subject ?? `Stagecoach: ${text.split('\n', 1)[0]?.slice(0, 120) ?? 'notice'}`,
        text,
        messageId: messageIdFor(notification.dedupeKey),
      });
      return { externalId: info.messageId };
    },
  };
}

export function messageIdFor(dedupeKey: string): string {
  return `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@stagecoach>`;
}

/** The SMTP user when it is an address (the usual case for a relay account), else stagecoach@host. */
function defaultFrom(smtpUrl: string): string {
  const user = decodeURIComponent(new URL(smtpUrl).username);
  return user.includes('@') ? `Stagecoach <${user}>` : `Stagecoach <stagecoach@${hostname()}>`;
}
