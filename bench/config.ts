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
} as const;

export const targets = {
  ackP99Ms: 100,
  ackRatio: 3,
  clickToStepP95Ms: 50,
  timerLatenessP99Ms: 500,
  peakRssMb: 300,
} as const;
