import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { type ChartSize, chartSvg } from './chart-svg.js';
import type { ChartData } from './report.js';

// The font ships in an npm package so labels render the same on a bare server as on a laptop.
const fontFiles = (() => {
  try {
    return [
      createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    ];
  } catch {
    return [];
  }
})();

/** The error-rate and latency chart as a PNG, for upload beside the review. */
export function renderChart(data: ChartData, size?: ChartSize): Buffer {
  const svg = chartSvg(data, size);
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** The chart has something to show: at least one reading with a value. */
export const hasChartData = (data: ChartData): boolean =>
  data.series.some((series) => series.points.some((point) => point.value !== null));
