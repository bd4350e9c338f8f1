import type { ScalePoint } from '../scale.js';

interface Series {
  label: string;
  color: string;
  values: (number | undefined)[];
}

interface Panel {
  title: string;
  unit: string;
  series: Series[];
  note?: string;
  /** A logarithmic value axis: lateness spans milliseconds to minutes. */
  log?: boolean;
  /** A horizontal target line. */
  target?: { value: number; label: string };
}

const width = 1100;
const height = 760;
const font = 'DejaVu Sans, sans-serif';
const blue = '#1f6fb2';
const orange = '#e07b00';

/**
 * How the product's footprint grows with the number of deployments at once: four panels (memory,
 * check-in lateness, Postgres load, Redis load) on a logarithmic deployments axis. Pure: an SVG string.
 */
export function scaleChartSvg(
  points: ScalePoint[],
  targets: { scalePeakRssMb: number; scaleCheckInLatenessP99Ms: number },
): string {
  const ok = points.filter((p) => !p.error || p.completed > 0);
  const counts = ok.map((p) => p.deployments);
  const panels: Panel[] = [
    {
      title: 'Peak RSS of the product process',
      unit: 'MB',
      series: [{ label: 'peak RSS (kernel VmHWM)', color: blue, values: ok.map((p) => p.peakRssKernelMb) }],
      target: { value: targets.scalePeakRssMb, label: `target < ${targets.scalePeakRssMb} MB` },
    },
    {
      title: 'Check-in lateness (fired_at − fire_at)',
      unit: 'ms, log scale',
      log: true,
      series: [
        { label: 'p99', color: blue, values: ok.map((p) => p.checkIns.lateness.p99) },
        { label: 'p50', color: orange, values: ok.map((p) => p.checkIns.lateness.p50) },
      ],
      target: {
        value: targets.scaleCheckInLatenessP99Ms,
        label: `target p99 < ${targets.scaleCheckInLatenessP99Ms} ms`,
      },
    },
    {
      title: 'Postgres load (product database)',
      unit: 'per second',
      series: [
        { label: 'commits/s', color: blue, values: ok.map((p) => p.postgres.commitsPerSecond) },
        { label: 'rows written/s', color: orange, values: ok.map((p) => p.postgres.rowsWrittenPerSecond) },
      ],
      note: `peak connections: ${ok.map((p) => p.postgres.peakConnections).join(' → ')}`,
    },
    {
      title: 'Redis load (private server)',
      unit: 'commands per second',
      series: [
        { label: 'mean over the run', color: blue, values: ok.map((p) => p.redis.commandsPerSecond) },
        {
          label: 'busiest (instantaneous_ops_per_sec)',
          color: orange,
          values: ok.map((p) => p.redis.peakOpsPerSecond),
        },
      ],
      note: `used_memory_peak: ${ok.map((p) => `${p.redis.usedMemoryPeakMb} MB`).join(' → ')}`,
    },
  ];
  const title = 'Stagecoach on one process: concurrent deployments, each on its own environment';
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}">`,
    `<title>${title}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(40, 34, title, 18, 'start', 'bold'),
    text(
      40,
      56,
      `${points.map((p) => `${p.deployments}: ${p.scope}${p.error ? ' (incomplete)' : ''}`).join(' · ')}`,
      12,
      'start',
      'normal',
      '#555',
    ),
  ];
  const cols = 2;
  const box = { w: (width - 80) / cols, h: (height - 90) / 2 };
  panels.forEach((panel, i) => {
    const left = 40 + (i % cols) * box.w;
    const top = 80 + Math.floor(i / cols) * box.h;
    out.push(
      drawPanel(panel, counts, {
        left: left + 70,
        right: left + box.w - 30,
        top: top + 30,
        bottom: top + box.h - 70,
      }),
    );
  });
  return `${out.join('\n')}\n</svg>\n`;
}

function drawPanel(
  panel: Panel,
  counts: number[],
  area: { left: number; right: number; top: number; bottom: number },
): string {
  const out: string[] = [
    text(area.left, area.top - 12, `${panel.title} (${panel.unit})`, 14, 'start', 'bold'),
  ];
  if (panel.note) out.push(text(area.left + 6, area.top + 16, panel.note, 11, 'start', 'normal', '#555'));
  const values = panel.series.flatMap((s) =>
    s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)),
  );
  const top = niceCeiling(Math.max(1, ...values, (panel.target?.value ?? 0) * 1.1));
  const lo = Math.log10(Math.min(...counts, 10) / 2);
  const hi = Math.log10(Math.max(...counts, 10) * 2);
  const x = (n: number) => area.left + ((Math.log10(n) - lo) / (hi - lo)) * (area.right - area.left);
  // Log axis: whole decades from below the smallest value to above the largest.
  const decades = {
    lo: Math.floor(
      Math.log10(Math.max(1, Math.min(...values, panel.target?.value ?? Number.POSITIVE_INFINITY))),
    ),
    hi: Math.ceil(Math.log10(top)),
  };
  const y = panel.log
    ? (v: number) =>
        area.bottom -
        ((Math.log10(Math.max(v, 10 ** decades.lo)) - decades.lo) / Math.max(1, decades.hi - decades.lo)) *
          (area.bottom - area.top)
    : (v: number) => area.bottom - (v / top) * (area.bottom - area.top);
  out.push(
    `<rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}" fill="none" stroke="#bbb"/>`,
  );
  const ticks = panel.log
    ? Array.from({ length: decades.hi - decades.lo + 1 }, (_, i) => 10 ** (decades.lo + i))
    : Array.from({ length: 5 }, (_, i) => (top * i) / 4);
  for (const v of ticks) {
    out.push(line(area.left, y(v), area.right, y(v), '#eee'));
    out.push(text(area.left - 6, y(v) + 4, format(v), 11, 'end', 'normal', '#444'));
  }
  for (const n of counts) {
    out.push(line(x(n), area.bottom, x(n), area.bottom + 5, '#444'));
    out.push(text(x(n), area.bottom + 18, String(n), 11, 'middle', 'normal', '#333'));
  }
  out.push(
    text(
      (area.left + area.right) / 2,
      area.bottom + 34,
      'deployments at once (log scale)',
      11,
      'middle',
      'normal',
      '#333',
    ),
  );
  if (panel.target) {
    const ty = y(panel.target.value);
    out.push(
      `<line x1="${area.left}" y1="${ty}" x2="${area.right}" y2="${ty}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
    );
    out.push(text(area.right - 4, ty - 5, panel.target.label, 11, 'end', 'normal', '#c0392b'));
  }
  panel.series.forEach((series, s) => {
    const pts = series.values
      .map((v, i) =>
        v === undefined || !Number.isFinite(v) ? undefined : ([x(counts[i] as number), y(v), v] as const),
      )
      .filter((p): p is readonly [number, number, number] => p !== undefined);
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${pts.map(([px, py]) => `${px},${py}`).join(' ')}"/>`,
      );
    for (const [px, py, v] of pts) {
      out.push(`<circle cx="${px}" cy="${py}" r="4" fill="${series.color}"/>`);
      out.push(text(px + 6, py - 6, format(v), 11, 'start', 'normal', series.color));
    }
    out.push(
      `<rect x="${area.left + 8 + s * 220}" y="${area.bottom + 44}" width="10" height="10" fill="${series.color}"/>`,
    );
    out.push(text(area.left + 22 + s * 220, area.bottom + 53, series.label, 11, 'start', 'normal', '#333'));
  });
  return out.join('\n');
}

function niceCeiling(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

function format(v: number): string {
  if (v >= 10_000) return `${Math.round(v / 1000)}k`;
  if (v >= 100) return String(Math.round(v));
  return String(Math.round(v * 10) / 10);
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}"/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  anchor: 'start' | 'middle' | 'end',
  weight: 'normal' | 'bold',
  fill = '#111',
): string {
  const escaped = content.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return `<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}" font-weight="${weight}" fill="${fill}">${escaped}</text>`;
}
