/** Secrets shorter than this would blank out ordinary words in the output. */
const MIN_SECRET_LENGTH = 4;
const REDACTED = '[redacted]';

// Generic shapes, for secrets nobody told us about. Each keeps its label so a reader can
// still see what was hidden.
const patterns: Array<[RegExp, string]> = [
  // key=value and key: value, including prefixed names like DB_PASSWORD or access_token.
  [
    /(\b[\w-]*(?:password|passwd|token|secret|api[_-]?key)[\w-]*["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"'&,;]+)/gi,
    `$1${REDACTED}`,
  ],
  [/(\bauthorization\s*:\s*(?:bearer|basic|token)?\s*)[^\s"']+/gi, `$1${REDACTED}`],
  [/(\bbearer\s+)[\w.~+/=-]{8,}/gi, `$1${REDACTED}`],
  [/\bxox[abeprs]-[\w-]+/g, REDACTED],
  [/\bxapp-[\w-]+/g, REDACTED],
  // scheme://user:password@host: keep the user, which helps when debugging a wrong login.
  [/(\b[a-z][a-z\d+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

export type Redact = (text: string) => string;

export function createRedactor(secrets: string[]): Redact {
  // Longest first, so a secret that contains another is hidden whole.
  const known = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let result = text;
    for (const secret of known) result = result.split(secret).join(REDACTED);
    for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
    return result;
  };
}
