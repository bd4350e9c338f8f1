/** The names a browser on this machine uses for a loopback server; `[::1]` is how a Host header spells IPv6. */
const loopbackHost = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i;

/**
 * True when a request's Host header names this server by a loopback name and its own port. Local
 * mode listens on loopback only, but a page on another site can still reach it through DNS
 * rebinding (evil.example resolving to 127.0.0.1): such a request carries the foreign name in Host.
 * Without `port`, any port is accepted (for a check that cannot know it).
 */
export function isLoopbackHost(host: string | undefined, port?: number): boolean {
  const match = loopbackHost.exec(host ?? '');
  if (!match) return false;
  if (port === undefined) return true;
  // A browser leaves the port out only when it is the scheme's default.
  return match[2] === undefined ? port === 80 : Number(match[2]) === port;
}
