import type { Queues } from '../../src/infra/queue/queues.js';
import type { Messenger, UploadFile } from '../../src/infra/slack/messenger.js';

/**
 * In-memory stand-ins for Slack and the BullMQ queues, for tests that run the code after COMMIT
 * (`deliverNow`, `ensureRoot`, the report) against the fixture's real database.
 */

export interface Posted {
  channel: string;
  text: string;
  /** Set for a thread reply. */
  threadTs: string | undefined;
  ts: string;
}

export interface FakeMessenger {
  messenger: Messenger;
  /** Posts that reached "Slack", in the order they landed. */
  posts: Posted[];
  updates: { channel: string; ts: string; text: string }[];
  pins: { channel: string; ts: string }[];
  uploads: { channel: string; filename: string; threadTs: string | undefined }[];
  /** Every call to `post`, failed or not. */
  postAttempts: number;
  /** From now on, a post for which `when` answers true throws `error` (default: every post). */
  failPosts(when?: (post: { channel: string; text: string; threadTs: string | undefined }) => boolean): void;
  /** Uploads throw from now on. */
  failUploads(): void;
  /** Slack answers again. */
  recover(): void;
  /**
   * Holds every post until the returned function is called; `entered` resolves once a post is
   * waiting, so a test can act while a Slack call is in flight.
   */
  hold(): { release: () => void; entered: Promise<void> };
}

export function fakeMessenger(): FakeMessenger {
  let sequence = 0;
  let failing:
    | ((post: { channel: string; text: string; threadTs: string | undefined }) => boolean)
    | undefined;
  let uploadsFail = false;
  let gate: Promise<void> | undefined;
  let signalEntered: (() => void) | undefined;
  const fake: FakeMessenger = {
    posts: [],
    updates: [],
    pins: [],
    uploads: [],
    postAttempts: 0,
    failPosts(when = () => true) {
      failing = when;
    },
    failUploads() {
      uploadsFail = true;
    },
    recover() {
      failing = undefined;
      uploadsFail = false;
    },
    hold() {
      let release: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      const entered = new Promise<void>((resolve) => {
        signalEntered = resolve;
      });
      return { release, entered };
    },
    messenger: {
      async post(channel, message, threadTs) {
        fake.postAttempts++;
        if (gate) {
          signalEntered?.();
          await gate;
        }
        if (failing?.({ channel, text: message.text, threadTs })) {
          throw Object.assign(new Error('An API error occurred: internal_error'), {
            code: 'slack_webapi_platform_error',
          });
        }
        sequence++;
        const ts = `1700000000.${String(sequence).padStart(6, '0')}`;
        fake.posts.push({ channel, text: message.text, threadTs, ts });
        return ts;
      },
      async update(channel, ts, message) {
        fake.updates.push({ channel, ts, text: message.text });
      },
      async upload(channel, file: UploadFile) {
        if (uploadsFail) throw new Error('An API error occurred: missing_scope');
        fake.uploads.push({ channel, filename: file.filename, threadTs: file.threadTs });
      },
      async ephemeral() {},
      async publishHome() {},
      async pin(channel, ts) {
        fake.pins.push({ channel, ts });
      },
      async findInThread() {
        return undefined;
      },
    },
  };
  return fake;
}

export interface QueuedJob {
  queue: keyof Omit<Queues, 'prefix' | 'close'>;
  name: string;
  data: Record<string, unknown>;
  jobId: string | undefined;
}

export interface FakeQueues {
  queues: Queues;
  /** Every `add`, in order. */
  added: QueuedJob[];
}

/** Queues that record what is added; no job is ever found (as after Redis lost them). */
export function fakeQueues(): FakeQueues {
  const added: QueuedJob[] = [];
  const queue = (name: QueuedJob['queue']) => ({
    async add(jobName: string, data: Record<string, unknown>, options?: { jobId?: string }) {
      added.push({ queue: name, name: jobName, data, jobId: options?.jobId });
      return { id: options?.jobId };
    },
    async getJob() {
      return undefined;
    },
    async remove() {
      return 1;
    },
    async removeJobScheduler() {
      return true;
    },
    async upsertJobScheduler() {
      return {};
    },
  });
  const queues = {
    steps: queue('steps'),
    timers: queue('timers'),
    notify: queue('notify'),
    monitor: queue('monitor'),
    views: queue('views'),
    prefix: 'test',
    async close() {},
  } as unknown as Queues;
  return { queues, added };
}
