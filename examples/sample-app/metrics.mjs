// The sample app's figures: instant-query answers for the plan's PromQL, and simulated traffic
// counters for /metrics. Healthy figures sit well inside the plan's thresholds with a little
// jitter; the fault pushes the system and application health metrics past them.

/** [healthy centre, fault centre, jitter (±)], per figure the plan asks about. */
const profiles = {
  p95Latency: [0.21, 2.5, 0.04], // seconds; plan threshold 0.5
  errorRatio: [0.0025, 0.08, 0.0015], // 5xx share; plan threshold 0.01
  cpu: [0.34, 0.62, 0.05], // ratio; plan threshold 0.8
  memory: [0.58, 0.66, 0.03], // ratio; plan threshold 0.85
  dbPool: [0.28, 0.47, 0.06], // ratio; plan threshold 0.8
  loginSuccess: [0.995, 0.955, 0.003], // ratio; plan threshold 0.98 (below is bad)
  workflowCompletion: [0.982, 0.93, 0.008], // ratio; plan threshold 0.95 (below is bad)
  clientErrors: [0.006, 0.024, 0.002], // ratio; plan threshold 0.02
  pageLoadP95: [1.3, 3.4, 0.2], // seconds; plan threshold 3
  requestRate: [48, 44, 6], // requests per second
};

/**
 * Which figure a query asks for, by the metric name it mentions: the first rule whose pattern
 * matches wins, so the more specific names come first.
 */
const rules = [
  [/frontend_page_load_seconds/, 'pageLoadP95'],
  [/http_request_duration_seconds/, 'p95Latency'],
  [/http_requests_total[\s\S]*(5\.\.|"5|5xx)/, 'errorRatio'],
  [/http_requests_total/, 'requestRate'],
  [/node_cpu_seconds_total/, 'cpu'],
  [/node_memory/, 'memory'],
  [/pg_stat_activity_count|pg_settings_max_connections|db_pool|connection_pool/, 'dbPool'],
  [/login_attempts_total|login_success/, 'loginSuccess'],
  [/workflow_(completed|started)_total/, 'workflowCompletion'],
  [/frontend_errors_total|client_errors/, 'clientErrors'],
];

const round = (value) => Number(value.toPrecision(4));

export function createMetrics() {
  const figure = (name, state) => {
    const [healthy, faulty, jitter] = profiles[name];
    const centre = state.fault ? faulty : healthy;
    const value = centre + (Math.random() * 2 - 1) * jitter * (state.fault ? 2 : 1);
    // Ratios stay ratios.
    return round(
      name === 'requestRate' || name.endsWith('P95') || name === 'p95Latency'
        ? Math.max(0, value)
        : Math.min(1, Math.max(0, value)),
    );
  };

  // Counters for /metrics, advanced once a second by simulateSecond.
  const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const pageLoadBuckets = [0.5, 1, 2, 3, 5, 10];
  const counters = {
    requests: { 200: 0, 404: 0, 500: 0, 503: 0 },
    latency: { buckets: latencyBuckets.map(() => 0), inf: 0, sum: 0, count: 0 },
    pageLoad: { buckets: pageLoadBuckets.map(() => 0), inf: 0, sum: 0, count: 0 },
    cpu: { idle: 0, user: 0, system: 0 },
    logins: { success: 0, failure: 0 },
    workflows: { started: 0, completed: 0 },
    pageViews: 0,
    clientErrors: 0,
  };
  const observe = (histogram, bounds, value) => {
    bounds.forEach((bound, i) => {
      if (value <= bound) histogram.buckets[i] += 1;
    });
    histogram.inf += 1;
    histogram.sum += value;
    histogram.count += 1;
  };
  // Most samples below the p95, one in twenty above it.
  const sampleAround = (p95) =>
    Math.random() < 0.95 ? p95 * (0.1 + Math.random() * 0.9) : p95 * (1 + Math.random() * 0.8);

  return {
    instantQuery(query, state) {
      const now = Date.now() / 1000;
      const rule = rules.find(([pattern]) => pattern.test(query));
      let value;
      if (rule) value = figure(rule[1], state);
      else if (/sample_app_traffic_percent/.test(query)) value = state.percent;
      else if (/\bup\b/.test(query)) value = 1;
      // A query about anything else has no series, as Prometheus answers for an unknown metric.
      const result = value === undefined ? [] : [{ metric: {}, value: [now, String(value)] }];
      return { status: 'success', data: { resultType: 'vector', result } };
    },

    simulateSecond(state) {
      const requests = Math.round(figure('requestRate', state));
      const errorRatio = figure('errorRatio', state);
      const p95 = figure('p95Latency', state);
      for (let i = 0; i < requests; i += 1) {
        const failed = Math.random() < errorRatio;
        counters.requests[failed ? (Math.random() < 0.5 ? 500 : 503) : Math.random() < 0.01 ? 404 : 200] += 1;
        observe(counters.latency, latencyBuckets, sampleAround(p95));
      }
      const cores = 4;
      const cpu = figure('cpu', state);
      counters.cpu.idle += (1 - cpu) * cores;
      counters.cpu.user += cpu * cores * 0.8;
      counters.cpu.system += cpu * cores * 0.2;
      const logins = Math.random() < 0.5 ? 1 : 0;
      if (logins) counters.logins[Math.random() < figure('loginSuccess', state) ? 'success' : 'failure'] += 1;
      counters.workflows.started += 2;
      counters.workflows.completed += Math.random() < figure('workflowCompletion', state) ? 2 : 1;
      const views = 6;
      counters.pageViews += views;
      counters.clientErrors += Math.random() < figure('clientErrors', state) * views ? 1 : 0;
      for (let i = 0; i < views; i += 1)
        observe(counters.pageLoad, pageLoadBuckets, sampleAround(figure('pageLoadP95', state)));
    },

    /** Prometheus text exposition format 0.0.4. */
    exposition(state) {
      const lines = [];
      const metric = (name, type, help, samples) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
      };
      const histogram = (name, help, data, bounds, extraLabels = '') => {
        const samples = bounds.map((bound, i) => [`_bucket{${extraLabels}le="${bound}"}`, data.buckets[i]]);
        samples.push([`_bucket{${extraLabels}le="+Inf"}`, data.inf]);
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
        for (const [suffix, value] of samples) lines.push(`${name}${suffix} ${value}`);
        lines.push(`${name}_sum ${round(data.sum)}`, `${name}_count ${data.count}`);
      };
      metric('sample_app_info', 'gauge', 'The versions the sample app serves.', [
        [
          `{version="${state.version}",stable_version="${state.stableVersion}",release_version="${state.releaseVersion ?? ''}"}`,
          1,
        ],
      ]);
      metric('sample_app_traffic_percent', 'gauge', 'Share of traffic on the newest version.', [
        ['', state.percent],
      ]);
      metric('sample_app_fault', 'gauge', '1 while the fault switch is on.', [['', state.fault ? 1 : 0]]);
      metric(
        'http_requests_total',
        'counter',
        'HTTP requests served, by status.',
        Object.entries(counters.requests).map(([status, value]) => [`{status="${status}"}`, value]),
      );
      histogram('http_request_duration_seconds', 'HTTP request latency.', counters.latency, latencyBuckets);
      metric(
        'node_cpu_seconds_total',
        'counter',
        'CPU seconds spent per mode.',
        Object.entries(counters.cpu).map(([mode, value]) => [`{cpu="all",mode="${mode}"}`, round(value)]),
      );
      const total = 8 * 1024 ** 3;
      metric('node_memory_MemTotal_bytes', 'gauge', 'Memory in bytes.', [['', total]]);
      metric('node_memory_MemAvailable_bytes', 'gauge', 'Available memory in bytes.', [
        ['', Math.round(total * (1 - figure('memory', state)))],
      ]);
      metric('pg_stat_activity_count', 'gauge', 'Open database connections.', [
        ['', Math.round(figure('dbPool', state) * 100)],
      ]);
      metric('pg_settings_max_connections', 'gauge', 'Database connection limit.', [['', 100]]);
      metric(
        'login_attempts_total',
        'counter',
        'Sign-in attempts, by result.',
        Object.entries(counters.logins).map(([result, value]) => [`{result="${result}"}`, value]),
      );
      metric('workflow_started_total', 'counter', 'Key clinical workflows started.', [
        ['', counters.workflows.started],
      ]);
      metric('workflow_completed_total', 'counter', 'Key clinical workflows completed.', [
        ['', counters.workflows.completed],
      ]);
      metric('frontend_page_views_total', 'counter', 'Page views reported by the browser.', [
        ['', counters.pageViews],
      ]);
      metric('frontend_errors_total', 'counter', 'Errors reported by the browser.', [
        ['', counters.clientErrors],
      ]);
      histogram(
        'frontend_page_load_seconds',
        'Page load time reported by the browser.',
        counters.pageLoad,
        pageLoadBuckets,
      );
      return `${lines.join('\n')}\n`;
    },
  };
}
