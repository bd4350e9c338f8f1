/** Sizes of each benchmark; BENCH_QUICK=1 shrinks them for a smoke run of the bench itself. */
const quick = process.env.BENCH_QUICK === '1';

export const benchConfig = {
  quick,
  senders: 20,
  /** /deploy status requests per round, per app; rounds alternate bare Bolt and Stagecoach. */
  statusPerRound: quick ? 100 : 300,
  statusRounds: quick ? 2 : 4,
  /** Real /deploy start commands, one per environment env-1..env-n. */
  starts: quick ? 40 : 100,
  /** Sequential rehearsals for click → traffic-shift start. */
  rehearsals: quick ? 5 : 20,
  /** Bare BullMQ add → process samples. */
  bullSamples: quick ? 100 : 300,
  /** Concurrent rehearsals on one worker process. */
  concurrent: quick ? 20 : 100,
  /** 24 h of soak in 1.5 s: rehearsals take seconds. */
  timeScale: '57600',
  /** `scale` part: deployments at once, each on its own environment, one product process per size (BENCH_SCALE=10,100 picks). */
  scale: process.env.BENCH_SCALE?.split(',').map(Number) ?? (quick ? [5, 20, 100] : [10, 100, 1000]),
  /** From this size on only the canary and its first 6 h of check-ins; smaller sizes run the whole plan. */
  scaleCanaryOnlyFrom: quick ? 100 : 1000,
  /** A deployment's 12 check-ins come due within 375 ms: ≥100/s once 9 deployments go live a second. */
  scaleTimeScale: '57600',
  /** Each size gives up after this long. */
  scaleDeadlineSeconds: quick ? 180 : 420,
  /** `slack` part: deployments started at once in one channel, against a fake Slack enforcing Slack's limits. */
  slackDeployments: quick ? 10 : 100,
  /** It ends once everything meant for Slack is there and nothing was called for this long… */
  slackQuietSeconds: 10,
  /** …or at this deadline from the first start (at about 1 post/s, 100 deployments' first steps alone take ~25 min to post). */
  slackDeadlineSeconds: quick ? 180 : 240,
  /** Also run the same load with SLACK_PACING=off, for the 429 share without pacing. */
  slackCompareUnpaced: true,
} as const;

export const targets = {
  ackP99Ms: 100,
  ackRatio: 3,
  clickToStepP95Ms: 50,
  /** Issue #17: approve click → step started p95 within this multiple of BullMQ's add → process p95. */
  clickToStepRatio: 2,
  timerLatenessP99Ms: 500,
  peakRssMb: 300,
  /** Issue #17: timers of sequential rehearsals, fired_at − fire_at. */
  timerPrecisionP99Ms: 50,
  /** Issue #17, `scale` part. */
  scalePeakRssMb: 500,
  scaleCheckInLatenessP99Ms: 1000,
  scaleCheckInsDuePerSecond: 100,
  /** Slack calls answered 429, as a percentage of all calls. */
  slackRateLimitedPercent: 1,
} as const;
