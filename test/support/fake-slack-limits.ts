/**
 * Slack's published Web API rate limits, as the fake Slack enforces them when a test asks for it
 * (`startFakeSlack({ rateLimits: true })`). Kept apart from the product's own table
 * (src/infra/slack/slack-rate-limits.ts) on purpose: the fake plays Slack, so a wrong figure in the
 * product is caught here instead of copied.
 *
 * Limits are per method, per app, per workspace (one fake = one workspace). chat.postMessage is
 * "special": about one message per second per channel, short bursts allowed. Each limit is a token
 * bucket: `perMinute` is the published rate, `burst` how many calls may go at once after a quiet
 * spell (Slack says bursts are tolerated without a figure; these are modest on purpose). A refused
 * call costs nothing, as at Slack: the request was not processed.
 */
export interface BucketRule {
  perMinute: number;
  burst: number;
}

/** Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min (docs.slack.dev, "Rate limits"). */
export const tiers = {
  1: { perMinute: 1, burst: 2 },
  2: { perMinute: 20, burst: 3 },
  3: { perMinute: 50, burst: 5 },
  4: { perMinute: 100, burst: 10 },
} as const satisfies Record<number, BucketRule>;

/** Each method's tier, from its reference page (the same figures as Slack's Java SDK's MethodsRateLimits). */
export const methodTiers: Record<string, keyof typeof tiers> = {
  'chat.update': 3,
  'chat.delete': 3,
  'chat.postEphemeral': 4,
  'pins.add': 2,
  'views.open': 4,
  'views.update': 4,
  'views.push': 4,
  'views.publish': 4,
  // Tier 1 for commercially distributed non-Marketplace apps created since May 2025; an internal app keeps Tier 3.
  'conversations.replies': 3,
  'conversations.history': 3,
  'conversations.info': 3,
  'users.info': 4,
  'users.list': 2,
  'files.upload': 2,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

/** chat.postMessage: about one message per second per channel, short bursts above that allowed. */
export const postsPerChannel: BucketRule = { perMinute: 60, burst: 3 };

export interface RateLimitOptions {
  /** Multiplies every rate (not the bursts); 1 is Slack's published figures. */
  scale?: number;
  now?: () => number;
}

export interface RateLimitVerdict {
  /** The bucket that said no: `chat.postMessage C123` or the method. */
  bucket: string;
  /** Whole seconds, at least 1, as Slack's Retry-After header. */
  retryAfterSeconds: number;
}

/** Undefined: the call may go through (and used a token). Otherwise how long to wait. */
export type RateLimiter = (method: string, args: Record<string, unknown>) => RateLimitVerdict | undefined;

export function createRateLimiter({ scale = 1, now = Date.now }: RateLimitOptions = {}): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (method, args) => {
    const found = ruleFor(method, args);
    if (!found) return undefined;
    const { bucket, rule } = found;
    const perMs = (rule.perMinute * scale) / 60_000;
    const t = now();
    const state = buckets.get(bucket) ?? { tokens: rule.burst, at: t };
    state.tokens = Math.min(rule.burst, state.tokens + (t - state.at) * perMs);
    state.at = t;
    buckets.set(bucket, state);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return undefined;
    }
    const waitMs = (1 - state.tokens) / perMs;
    return { bucket, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  };
}

function ruleFor(
  method: string,
  args: Record<string, unknown>,
): { bucket: string; rule: BucketRule } | undefined {
  if (method === 'chat.postMessage') {
    return { bucket: `chat.postMessage ${String(args.channel)}`, rule: postsPerChannel };
  }
  const tier = methodTiers[method];
  return tier === undefined ? undefined : { bucket: method, rule: tiers[tier] };
}
