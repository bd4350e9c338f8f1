import { Session } from 'node:inspector/promises';
import { startPrivateRedis } from '../test/faults/support/private-redis.js';
import { waitUntil } from '../test/support/wait.js';
import { startBareBolt } from './support/bare-bolt.js';
import { createBenchDatabases } from './support/databases.js';
import { startLoadThread } from './support/load-thread.js';
import { signingSecret, startStack, users, withEnvironments } from './support/stack.js';
import { summarize } from './support/stats.js';

/**
 * `npx tsx bench/profile-ack.ts [status|start|bare]`: CPU profile of the server thread while 20
 * senders (on a worker thread) send one kind of command; prints where the thread's time went.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

async function main() {
  const what = process.argv[2] ?? 'status';
  const total = Number(process.argv[3] ?? 1000);
  const dbs = await createBenchDatabases();
  const redis = await startPrivateRedis();
  const thread = await startLoadThread();
  const stack = await startStack({
    ...dbs,
    redisUrl: redis.url,
    plan: withEnvironments(total),
    // Real time: the go/no-go deadline and the first check-in are 30 minutes away.
    env: { TIME_SCALE: '1' },
    slackApiUrl: thread.slackUrl,
  });
  const bare = await startBareBolt(thread.slackUrl);
  const session = new Session();
  session.connect();
  try {
    const target = what === 'bare' ? bare.baseUrl : stack.baseUrl;
    const texts =
      what === 'start' ? Array.from({ length: total }, (_, i) => `start v4.0.0 to env-${i + 1}`) : ['status'];
    await thread.load({
      baseUrl: target,
      signingSecret,
      total: 100,
      senders: 20,
      texts: ['status'],
      user: users.lead,
    });
    if (what === 'status') {
      await thread.load({
        baseUrl: stack.baseUrl,
        signingSecret,
        total: 1,
        senders: 1,
        texts: ['start v4.0.0'],
        user: users.lead,
      });
      await waitUntil(
        async () =>
          (await stack.db.query(`SELECT 1 FROM deployments WHERE state = 'soaking'`)).rowCount === 1,
        {
          timeoutMs: 180_000,
          label: 'the warm-up deployment to soak',
        },
      );
    }
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const started = performance.now();
    const result = await thread.load({
      baseUrl: target,
      signingSecret,
      total,
      senders: 20,
      texts,
      user: users.lead,
    });
    const wallMs = performance.now() - started;
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
    };
    console.log(
      `${what}: ${JSON.stringify(summarize(result.latencies))} statuses ${JSON.stringify(result.statuses)}; ${Math.round(total / (wallMs / 1000))} req/s`,
    );
    report(profile);
  } finally {
    session.disconnect();
    await bare.close();
    await stack.close();
    await thread.close();
    await redis.close();
    await dbs.drop();
  }
}

function report(profile: { nodes: ProfileNode[]; samples: number[] }) {
  const hits = new Map<number, number>();
  for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);
  const total = profile.samples.length;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (n === 0) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + n);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/work\/main\//, '')}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)}%`;
  console.log('\nself time by area:');
  for (const [area, n] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${pct(n).padStart(6)}  ${area}`);
  console.log('\ntop functions (self time):');
  for (const [fn, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${pct(n).padStart(6)}  ${fn}`);
}

function areaOf(url: string, functionName: string): string {
  if (url === '') return `(native) ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `node_modules/${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  const own = /\/work\/main\/([^/]+\/[^/]+)/.exec(url);
  return own ? (own[1] as string) : url;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
