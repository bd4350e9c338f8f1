import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
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

/**
 * The error-rate and latency chart as a PNG, for upload beside the review. Rasterized on libuv's
 * thread pool: drawing it takes tens of milliseconds, which on the event loop would delay every
 * timer, click and step of every other deployment.
 */
export async function renderChart(data: ChartData, size?: ChartSize): Promise<Buffer> {
  const svg = chartSvg(data, size);
  const image = await renderAsync(svg, {
    background: '#ffffff',
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

/** The chart has something to show: at least one reading with a value. */
export const hasChartData = (data: ChartData): boolean =>
  data.series.some((series) => series.points.some((point) => point.value !== null));
