import { describe, expect, it } from 'vitest';
import { chartSvg, niceTicks } from '../../../src/report/chart-svg.js';
import { hasChartData, renderChart } from '../../../src/report/render-chart.js';
import { at, report } from './fixture.js';

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dimensions = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('renderChart', () => {
  const chart = report().chart;

  it('draws a PNG of the chart size with real content', async () => {
    const png = await renderChart(chart);
    expect(png.subarray(0, 8).equals(pngSignature)).toBe(true);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(dimensions(png)).toEqual({ width: 1200, height: 720 });
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1_000_000);
    expect(dimensions(await renderChart(chart, { width: 800, height: 500 }))).toEqual({
      width: 800,
      height: 500,
    });
  });

  it('changes when the readings change', async () => {
    const spiked = {
      ...chart,
      series: chart.series.map((series, n) =>
        n === 0
          ? { ...series, points: series.points.map((p, i) => ({ ...p, value: i === 40 ? 0.05 : p.value })) }
          : series,
      ),
    };
    expect((await renderChart(spiked)).equals(await renderChart(chart))).toBe(false);
  });

  it('still draws a valid image when nothing was measured', async () => {
    const empty = { ...chart, series: [], markers: [] };
    expect(hasChartData(empty)).toBe(false);
    expect((await renderChart(empty)).subarray(0, 8).equals(pngSignature)).toBe(true);
    expect(chartSvg(empty)).toContain('No metric readings were recorded.');
  });
});

describe('chartSvg', () => {
  const svg = chartSvg(report().chart);

  it('marks every stage change with its percentage', () => {
    for (const label of ['10%', '50%', '100%']) expect(svg).toMatch(new RegExp(`<text[^>]*>${label}</text>`));
    expect(svg.match(/stroke-dasharray="6 4"/g)).toHaveLength(3);
  });

  it('draws both metrics with their limits, breaking the line where data is missing', () => {
    expect(svg).toContain('>Error rate (5xx share of requests)</text>');
    expect(svg).toContain('>API response time (p95)</text>');
    expect(svg).toContain('>limit ≤ 1.0%</text>');
    expect(svg).toContain('>limit ≤ 500 ms</text>');
    const errorPath = svg.match(/<path d="([^"]+)"/)?.[1] ?? '';
    expect(errorPath.match(/M/g)).toHaveLength(2);
  });

  it('labels the time axis in the plan time zone', () => {
    expect(svg).toContain('>Time (EST)</text>');
    expect(svg).toMatch(/>Dec 6, 00:00<\/text>/);
  });

  it('marks a rollback in red and escapes text', () => {
    const data = {
      ...report().chart,
      title: 'A <b> & "c"',
      markers: [{ at: at(10), label: 'rollback', kind: 'rollback' as const }],
    };
    const out = chartSvg(data);
    expect(out).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    expect(out).toMatch(/fill="#c0392b" font-weight="bold">rollback</);
  });
});

describe('niceTicks', () => {
  it('covers the range in round steps', () => {
    expect(niceTicks(0, 0.0108)).toEqual([0, 0.0025, 0.005, 0.0075, 0.01, 0.0125]);
    expect(niceTicks(0, 540)).toEqual([0, 200, 400, 600]);
  });
});
