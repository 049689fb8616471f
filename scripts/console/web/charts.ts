import uPlot from 'uplot';
import type { Window } from './api.ts';

export interface Chart {
  readonly element: HTMLElement;
  destroy(): void;
}

const WIDTH_MIN = 280;

/** A per-minute line chart (average and maximum) of one measure over the device's windows. */
export const windowChart = (
  title: string,
  unit: string,
  windows: readonly Window[],
  pick: (window: Window) => { avg: number; max: number },
): Chart => {
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
      scales: { x: { time: true } },
      axes: [{ stroke: '#333' }, { stroke: '#333', label: unit }],
      series: [
        { label: 'minute (UTC)' },
        { label: 'average', stroke: '#1f5fbf', width: 2 },
        { label: 'maximum', stroke: '#b3261e', width: 1, dash: [4, 3] },
      ],
    },
    data,
    figure,
  );
  const resize = () => plot.setSize({ width: width(), height: 220 });
  window.addEventListener('resize', resize);
  requestAnimationFrame(resize);
  return {
    element: figure,
    destroy() {
      window.removeEventListener('resize', resize);
      plot.destroy();
    },
  };
};
