import { pino } from 'pino';

export type Logger = pino.Logger;

/** JSON logs; secrets never reach them because fields that may hold one are redacted here. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'stagecoach' },
    redact: {
      paths: [
        'token',
        'signingSecret',
        'password',
        'apiKey',
        '*.token',
        '*.password',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
