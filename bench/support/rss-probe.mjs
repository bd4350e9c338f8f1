// The compiled product's twin of rss-probe.ts (plain node has no TypeScript loader): samples the
// process's resident set size and reports the peak to the parent over the IPC channel.
const sampleMs = 50;
let peak = 0;
let heapPeak = 0;

const sample = () => {
  const { rss, heapUsed } = process.memoryUsage();
  if (rss > peak) peak = rss;
  if (heapUsed > heapPeak) heapPeak = heapUsed;
};

if (typeof process.send === 'function') {
  const sampler = setInterval(sample, sampleMs);
  const reporter = setInterval(() => {
    process.send?.({ probe: 'rss', peak, heapPeak, heapUsed: process.memoryUsage().heapUsed });
  }, 500);
  sampler.unref();
  reporter.unref();
  process.channel?.unref();
  sample();
}
