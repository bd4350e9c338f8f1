import { formatLimit } from './format-report.js';
import type { ChartData, ChartSeries } from './report.js';
import { timeTicks } from './time-ticks.js';

export interface ChartSize {
  width: number;
  height: number;
}

const margin = { left: 92, right: 36, top: 84, bottom: 56 };
const panelGap = 36;
const colors = ['#1f6fb2', '#e07b00'];
const font = 'DejaVu Sans, sans-serif';

/**
 * One panel per metric on a shared time axis, each with its threshold, and a dashed vertical line
 * where traffic moved to the next stage, labelled with the percentage. Pure: an SVG string.
 */
export function chartSvg(data: ChartData, size: ChartSize = { width: 1200, height: 720 }): string {
  const { width, height } = size;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(margin.left, 30, data.title, { size: 18, weight: 'bold' }),
  ];
  const series = data.series.filter((s) => s.points.some((p) => p.value !== null));
  if (series.length === 0) {
    out.push(
      text(width / 2, height / 2, 'No metric readings were recorded.', {
        size: 16,
        anchor: 'middle',
        fill: '#666',
      }),
    );
    return `${out.join('')}</svg>`;
  }
  const times = [
    ...series.flatMap((s) => s.points.map((p) => p.at.getTime())),
    ...data.markers.map((m) => m.at.getTime()),
  ];
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (t1 - t0 < 1000) {
    t0 -= 30_000;
    t1 += 30_000;
  }
  const pad = (t1 - t0) * 0.02;
  t0 -= pad;
  t1 += pad;
  const plotLeft = margin.left;
  const plotRight = width - margin.right;
  const plotTop = margin.top;
  const plotBottom = height - margin.bottom;
  const panelHeight = (plotBottom - plotTop - panelGap * (series.length - 1)) / series.length;
  const x = (t: number) => plotLeft + ((t - t0) / (t1 - t0)) * (plotRight - plotLeft);

  const panels = series.map((s, i) => {
    const top = plotTop + i * (panelHeight + panelGap);
    return panel(
      s,
      { left: plotLeft, right: plotRight, top, bottom: top + panelHeight },
      x,
      colors[i % colors.length] as string,
    );
  });
  out.push(...panels.map((p) => p.frame));

  const ticks = timeTicks(t0, t1, data.timeZone);
  for (const tick of ticks.values) {
    const tx = x(tick);
    out.push(line(tx, plotBottom, tx, plotBottom + 5, '#444'));
    out.push(text(tx, plotBottom + 20, ticks.label(tick), { size: 12, anchor: 'middle', fill: '#333' }));
  }
  out.push(
    text((plotLeft + plotRight) / 2, height - 12, `Time (${ticks.zone})`, {
      size: 12,
      anchor: 'middle',
      fill: '#333',
    }),
  );

  let lastLabelX = Number.NEGATIVE_INFINITY;
  let row = 0;
  for (const marker of data.markers) {
    const mx = x(marker.at.getTime());
    const color = marker.kind === 'rollback' ? '#c0392b' : '#555';
    out.push(line(mx, plotTop - 4, mx, plotBottom, color, { dash: '6 4', width: 1.5 }));
    // Labels sit in the strip above the panels; one too close to the last moves up a row.
    row = mx - lastLabelX < 64 ? (row + 1) % 2 : 0;
    lastLabelX = mx;
    out.push(
      text(mx, plotTop - 8 - row * 15, marker.label, {
        size: 12,
        weight: 'bold',
        fill: color,
        anchor: 'middle',
      }),
    );
  }
  // Data and labels over the stage lines.
  out.push(...panels.map((p) => p.content));
  out.push('</svg>');
  return out.join('');
}

function panel(
  s: ChartSeries,
  box: { left: number; right: number; top: number; bottom: number },
  x: (t: number) => number,
  color: string,
): { frame: string; content: string } {
  const values = s.points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const bounds = [...values, ...(s.threshold === null ? [] : [s.threshold])];
  let lo = Math.min(...bounds);
  let hi = Math.max(...bounds);
  if (lo >= 0 && lo <= hi * 0.5) lo = 0;
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
  const range = hi - lo;
  hi += range * 0.08;
  if (lo !== 0) lo -= range * 0.08;
  const ticks = niceTicks(lo, hi);
  lo = ticks[0] as number;
  hi = ticks.at(-1) as number;
  const y = (v: number) => box.bottom - ((v - lo) / (hi - lo)) * (box.bottom - box.top);

  const frame: string[] = [
    `<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="#fafafa" stroke="#999"/>`,
  ];
  const step = (ticks[1] as number) - (ticks[0] as number);
  for (const tick of ticks) {
    frame.push(line(box.left, y(tick), box.right, y(tick), '#e3e3e3'));
    frame.push(
      text(box.left - 8, y(tick) + 4, tickLabel(s.unit, tick, step, hi), {
        size: 11,
        anchor: 'end',
        fill: '#333',
      }),
    );
  }
  const out: string[] = [];
  if (s.threshold !== null) {
    out.push(
      line(box.left, y(s.threshold), box.right, y(s.threshold), '#c0392b', { dash: '3 3', width: 1.2 }),
    );
    out.push(
      text(box.right - 6, y(s.threshold) - 5, `limit ${formatLimit(s)}`, {
        size: 11,
        anchor: 'end',
        fill: '#c0392b',
        halo: '#fafafa',
      }),
    );
  }
  // A reading without data breaks the line rather than drawing through the gap.
  let d = '';
  let pen = false;
  for (const point of s.points) {
    if (point.value === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(x(point.at.getTime()))} ${round(y(point.value))}`;
    pen = true;
  }
  out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
  if (s.points.length <= 240) {
    for (const point of s.points) {
      if (point.value === null) continue;
      const over =
        s.threshold !== null &&
        (s.comparison === 'below' ? point.value < s.threshold : point.value > s.threshold);
      out.push(
        `<circle cx="${round(x(point.at.getTime()))}" cy="${round(y(point.value))}" r="3" fill="${over ? '#c0392b' : color}"/>`,
      );
    }
  }
  out.push(
    text(box.left + 8, box.top + 18, s.name, { size: 13, weight: 'bold', fill: color, halo: '#fafafa' }),
  );
  return { frame: frame.join(''), content: out.join('') };
}

/** About five round steps (1, 2, 2.5, 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ??
    10 * magnitude) as number;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v < hi + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks.length >= 2 ? ticks : [start, start + step];
}

function tickLabel(unit: string, value: number, step: number, hi: number): string {
  const decimals = (s: number) => Math.min(4, Math.max(0, Math.ceil(-Math.log10(s) - 1e-9)));
  if (unit === 'ratio') return `${(value * 100).toFixed(decimals(step * 100))}%`;
  if (unit === 's' && hi < 1) return `${(value * 1000).toFixed(decimals(step * 1000))} ms`;
  if (unit === 's') return `${value.toFixed(decimals(step))} s`;
  return `${value.toFixed(decimals(step))}${unit ? ` ${unit}` : ''}`;
}

const round = (n: number) => Math.round(n * 10) / 10;

function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  options: { dash?: string; width?: number } = {},
) {
  const dash = options.dash ? ` stroke-dasharray="${options.dash}"` : '';
  return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" stroke="${stroke}" stroke-width="${options.width ?? 1}"${dash}/>`;
}

function text(
  tx: number,
  ty: number,
  content: string,
  options: {
    size?: number;
    anchor?: 'start' | 'middle' | 'end';
    weight?: 'bold';
    fill?: string;
    halo?: string;
  } = {},
) {
  const weight = options.weight ? ` font-weight="${options.weight}"` : '';
  // A halo in the background colour keeps a label readable where it crosses a line.
  const halo = options.halo ? ` stroke="${options.halo}" stroke-width="4" paint-order="stroke"` : '';
  return `<text x="${round(tx)}" y="${round(ty)}" font-size="${options.size ?? 12}" text-anchor="${options.anchor ?? 'start'}" fill="${options.fill ?? '#111'}"${weight}${halo}>${escapeXml(content)}</text>`;
}

const escapeXml = (value: string) =>
  value.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
