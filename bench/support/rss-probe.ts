// Loaded into the product process with `--import` (no change to src/): samples its own resident set
// size and reports the peak to the parent over the IPC channel.
const sampleMs = 50;
let peak = 0;
let last = 0;

const sample = () => {
  last = process.memoryUsage().rss;
  if (last > peak) peak = last;
};

if (typeof process.send === 'function') {
  const sampler = setInterval(sample, sampleMs);
  const reporter = setInterval(() => {
    process.send?.({ probe: 'rss', peak, last, heapUsed: process.memoryUsage().heapUsed });
  }, 500);
  sampler.unref();
  reporter.unref();
  // The IPC channel must not keep the product alive after its own shutdown.
  process.channel?.unref();
  sample();
}
