import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../../src/infra/run/redact.js';

const redact = createRedactor([]);

describe('createRedactor', () => {
  it('hides every occurrence of a known secret, longest first', () => {
    const withSecrets = createRedactor(['abcd1234', 'abcd1234-extended', 'xyz', '']);
    expect(withSecrets('a=abcd1234-extended b=abcd1234 c=abcd1234')).toBe(
      'a=[redacted] b=[redacted] c=[redacted]',
    );
    // Shorter than 4 characters: hiding it would blank ordinary words.
    expect(withSecrets('xyz stays')).toBe('xyz stays');
  });

  it.each([
    ['password=hunter2', 'password=[redacted]'],
    ['PGPASSWORD=hunter2 pg_dump', 'PGPASSWORD=[redacted] pg_dump'],
    ['passwd=hunter2', 'passwd=[redacted]'],
    ['curl "https://x.test/hook?token=abc123&x=1"', 'curl "https://x.test/hook?token=[redacted]&x=1"'],
    ['client_secret=s3cr3t', 'client_secret=[redacted]'],
    ['API_KEY=k-123', 'API_KEY=[redacted]'],
    ['api-key: k-123', 'api-key: [redacted]'],
    ['{"password": "hunter two"}', '{"password": [redacted]}'],
    ['Authorization: Bearer eyJhbGciOi.J9.abc', 'Authorization: Bearer [redacted]'],
    ['authorization: Basic dXNlcjpwYXNz', 'authorization: Basic [redacted]'],
    ['using xoxb-1234-5678-abcdef for Slack', 'using [redacted] for Slack'],
    ['xoxp-1-2-3 and xapp-1-A0-123', '[redacted] and [redacted]'],
    ['postgres://app:pa55@db.internal:5432/ehr', 'postgres://app:[redacted]@db.internal:5432/ehr'],
    ['redis://:pa55@127.0.0.1:6379', 'redis://:[redacted]@127.0.0.1:6379'],
  ])('hides the secret in %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves ordinary deployment output alone', () => {
    const text = [
      'deploying v4.0.0 to production at 50%',
      'GET https://ehr.example.com/healthz -> 200',
      'postgres://db.internal:5432/ehr',
      'PWD=/srv/ehr-frontend',
    ].join('\n');
    expect(redact(text)).toBe(text);
  });
});
