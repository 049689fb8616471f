import uPlot from 'uplot';
import type { Window } from './api.ts';

export interface Chart {
  readonly element: HTMLElement;
  /** Moves the time axis to a new span (the selected range, sliding with the clock). */
  setSpan(span: TimeSpan): void;
  destroy(): void;
}

/** The time axis of a chart: the selected range, in milliseconds since the epoch. */
export interface TimeSpan {
  readonly fromMs: number;
  readonly toMs: number;
}

const WIDTH_MIN = 280;

/**
 * The x scale's range in uPlot's unit (seconds, `ms: 1e-3` by default). Always the selected span, whatever the data:
 * left to itself uPlot pads a single point's scale by a tenth of its magnitude, which for epoch seconds is years.
 */
export const axisRange = (span: TimeSpan): [number, number] => [span.fromMs / 1000, span.toMs / 1000];

/** Writes the x scale uPlot actually drew onto the figure (`data-x-min`, `data-x-max`, epoch ms) for tests. */
const exposeScale = (figure: HTMLElement, plot: uPlot) => {
  const { min, max } = plot.scales.x ?? {};
  if (min == null || max == null) return;
  figure.dataset.xMin = String(Math.round(min * 1000));
  figure.dataset.xMax = String(Math.round(max * 1000));
};

/** A per-minute line chart (average and maximum) of one measure over the device's windows, across `span`. */
export const windowChart = (
  title: string,
  unit: string,
  windows: readonly Window[],
  pick: (window: Window) => { avg: number; max: number },
  initialSpan: TimeSpan,
): Chart => {
  let span = initialSpan;
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.dataset.points = String(windows.length);
  const caption = document.createElement('figcaption');
  caption.textContent = `${title} per minute (${unit}), average and maximum — ${windows.length} minute${windows.length === 1 ? '' : 's'}`;
  figure.append(caption);
  const data: uPlot.AlignedData = [
    windows.map((window) => Date.parse(window.start) / 1000),
    windows.map((window) => pick(window).avg),
    windows.map((window) => pick(window).max),
  ];
  // The figure's own box (a grid cell once attached); before that, a guess corrected on the next frame.
  const width = () => Math.max(WIDTH_MIN, (figure.clientWidth || 600) - 8);
  const plot = new uPlot(
    {
      width: width(),
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: () => axisRange(span) } },
      axes: [{ stroke: '#333' }, { stroke: '#333', label: unit }],
      series: [
        { label: 'minute (UTC)' },
        { label: 'average', stroke: '#1f5fbf', width: 2 },
        { label: 'maximum', stroke: '#b3261e', width: 1, dash: [4, 3] },
      ],
      hooks: { setScale: [(self, key) => key === 'x' && exposeScale(figure, self)] },
    },
    data,
    figure,
  );
  exposeScale(figure, plot);
  const resize = () => plot.setSize({ width: width(), height: 220 });
  window.addEventListener('resize', resize);
  requestAnimationFrame(resize);
  return {
    element: figure,
    setSpan(next) {
      span = next;
      const [min, max] = axisRange(span);
      plot.setScale('x', { min, max });
    },
    destroy() {
      window.removeEventListener('resize', resize);
      plot.destroy();
    },
  };
};
