/**
 * How fast Stagecoach lets itself call each Slack Web API method, from Slack's published limits
 * (docs.slack.dev, "Rate limits", and each method's reference page). Limits are per method, per
 * app, per workspace; posting is also limited per channel.
 *
 * Calls are spaced evenly at the published rate, never burst: Slack tolerates short bursts but
 * promises none, and a steady pace is what a queue of waiting calls needs anyway.
 */
export interface PaceRule {
  /** The published rate: calls per minute. */
  perMinute: number;
}

/** Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min. */
const tier2: PaceRule = { perMinute: 20 };
const tier3: PaceRule = { perMinute: 50 };
const tier4: PaceRule = { perMinute: 100 };

/**
 * chat.postMessage is "special": about one message per second per channel (short bursts allowed,
 * not guaranteed), plus a workspace-wide limit Slack does not put a figure on. A file shared in a
 * channel is a message there too.
 */
export const postsPerChannel: PaceRule = { perMinute: 60 };

/** Every method the messenger calls, with its tier. */
export const methodRules = {
  'chat.update': tier3,
  'chat.postEphemeral': tier4,
  'pins.add': tier2,
  'views.publish': tier4,
  // Tier 3 for internal and Marketplace apps (Tier 1 only for commercially distributed non-Marketplace apps).
  'conversations.replies': tier3,
  // files.uploadV2 is these two calls around the upload itself.
  'files.getUploadURLExternal': tier4,
  'files.completeUploadExternal': tier4,
} as const satisfies Record<string, PaceRule>;

export type PacedMethod = keyof typeof methodRules;
