import { type Alert, ApiError, type Device, get, type Rule, type Windows, withQuery } from './api.ts';
import { type Chart, windowChart } from './charts.ts';
import type { Context } from './context.ts';
import { changed, field, h, replaceChildren, select, table } from './dom.ts';
import { entries, formatDecimal, formatInteger, formatTime } from './format.ts';
import { activeRows, silenceAlert } from './silence.ts';

const POLL_MS = 5000;
const RANGES = [
  ['60', 'last hour'],
  ['360', 'last 6 hours'],
  ['1440', 'last 24 hours'],
] as const;

const pairs = (rows: ReadonlyArray<readonly [string, string | Node]>) =>
  h('dl', { class: 'pairs' }, ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));

export const devicePage = (
  root: HTMLElement,
  context: Context,
  deviceId: string,
  query: URLSearchParams,
): void => {
  const minutes = RANGES.some(([value]) => value === query.get('minutes'))
    ? (query.get('minutes') as string)
    : '60';
  const range = select('minutes', RANGES, minutes);
  range.addEventListener('change', () => {
    location.hash = withQuery(`#/device/${encodeURIComponent(deviceId)}`, { minutes: range.value });
  });
  const details = h('div', { 'aria-live': 'polite' });
  const chartsBox = h('section', { 'aria-labelledby': 'charts-title', class: 'charts' });
  replaceChildren(
    root,
    h('p', {}, h('a', { href: '#/devices' }, '← Devices')),
    h('h1', {}, `Device ${deviceId}`),
    details,
    h('h2', { id: 'charts-title' }, 'CPU and memory'),
    h(
      'form',
      { class: 'filters', onsubmit: (event: Event) => event.preventDefault() },
      field('range', 'Range', range),
    ),
    chartsBox,
  );
  let charts: Chart[] = [];
  context.onLeave(() => {
    for (const chart of charts) chart.destroy();
  });

  context.poll(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(minutes) * 60_000);
    let device: Device;
    let windows: Windows;
    let rules: Rule[];
    let firing: Alert[];
    try {
      [device, windows, { items: rules }, { items: firing }] = await Promise.all([
        get<Device>(`/devices/${encodeURIComponent(deviceId)}`),
        get<Windows>(
          withQuery(`/devices/${encodeURIComponent(deviceId)}/windows`, {
            from: from.toISOString(),
            to: to.toISOString(),
          }),
        ),
        get<{ items: Rule[] }>('/rules'),
        get<{ items: Alert[] }>(withQuery('/alerts', { deviceId, state: 'firing' })),
      ]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replaceChildren(
          details,
          h(
            'p',
            { class: 'empty' },
            `No device "${deviceId}": no record has been processed for it. Check the id, or wait for its first record.`,
          ),
        );
        replaceChildren(chartsBox);
        changed(details, 'missing');
        changed(chartsBox, 'missing');
        root.dataset.rendered = 'device-missing';
        return;
      }
      throw error;
    }
    const silence = silenceAlert([...device.activeAlerts, ...firing], rules);
    const active = activeRows(device.activeAlerts, firing);
    if (changed(details, { device, silence, active }))
      replaceChildren(
        details,
        h(
          'div',
          { class: 'grid' },
          h(
            'section',
            { 'aria-labelledby': 'now-title', class: silence === null ? '' : 'stale' },
            h('h2', { id: 'now-title' }, silence === null ? 'Now' : 'Last reported'),
            pairs([
              [
                'Status',
                silence === null
                  ? h(
                      'span',
                      {
                        class: `status status-${device.status === 'down' ? 'down' : 'ok'}`,
                        'data-stat': 'status',
                      },
                      device.status,
                    )
                  : h(
                      'span',
                      { class: 'status status-silent', 'data-stat': 'status' },
                      `silent (last record ${formatTime(device.lastSeen)}; ${silence.ruleId} firing since ${formatTime(silence.at)})`,
                    ),
              ],
              ...(silence === null ? [] : ([['Last reported status', device.status]] as const)),
              ['Model', device.model],
              ['Interface', device.interface],
              ['CPU', `${formatDecimal(device.cpuUsage)} %`],
              ['Memory', `${formatInteger(device.memoryUsage)} MB`],
              ['Event time', formatTime(device.eventTime)],
            ]),
          ),
          h(
            'section',
            { 'aria-labelledby': 'life-title' },
            h('h2', { id: 'life-title' }, 'Lifetime'),
            pairs([
              ['Records', formatInteger(device.recordCount)],
              ['Times down', formatInteger(device.downCount)],
              [
                'CPU min / avg / max',
                `${formatDecimal(device.cpu.min)} / ${formatDecimal(device.cpu.avg)} / ${formatDecimal(device.cpu.max)} %`,
              ],
              [
                'Memory min / avg / max',
                `${formatInteger(device.memory.min)} / ${formatInteger(device.memory.avg)} / ${formatInteger(device.memory.max)} MB`,
              ],
              ['First seen', formatTime(device.firstSeen)],
              ['Last seen', formatTime(device.lastSeen)],
              ['Interfaces', device.interfaces.join(', ') || '—'],
            ]),
          ),
          h(
            'section',
            { 'aria-labelledby': 'registry-title' },
            h('h2', { id: 'registry-title' }, 'Registry'),
            device.registry === null
              ? h(
                  'p',
                  { class: 'empty' },
                  'Not in the device registry (load it with "npm run registry:load").',
                )
              : pairs(entries(device.registry)),
          ),
        ),
        h(
          'section',
          { 'aria-labelledby': 'active-title' },
          h('h2', { id: 'active-title' }, 'Active alerts'),
          active.length === 0
            ? h('p', { class: 'empty' }, 'No active alert.')
            : table(
                'Active alerts',
                ['Rule', 'Severity', 'Message', 'Since'],
                active.map((alert) => [
                  alert.ruleId,
                  h(
                    'span',
                    { class: `severity severity-${alert.severity ?? 'unknown'}` },
                    alert.severity ?? '—',
                  ),
                  alert.message ?? '—',
                  formatTime(alert.at),
                ]),
              ),
        ),
      );
    const span = { fromMs: from.getTime(), toMs: to.getTime() };
    if (!changed(chartsBox, windows.windows)) {
      for (const chart of charts) chart.setSpan(span);
      root.dataset.rendered = 'device';
      return;
    }
    for (const chart of charts) chart.destroy();
    charts = [];
    if (windows.windows.length === 0) {
      replaceChildren(
        chartsBox,
        h('p', { class: 'empty' }, 'No record in this range: choose a longer range.'),
      );
    } else {
      replaceChildren(chartsBox);
      for (const [title, unit, pick] of [
        ['CPU', '%', (w: Windows['windows'][number]) => w.cpu],
        ['Memory', 'MB', (w: Windows['windows'][number]) => w.memory],
      ] as const) {
        const chart = windowChart(title, unit, windows.windows, pick, span);
        chart.element.dataset.chart = title.toLowerCase();
        chartsBox.append(chart.element);
        charts.push(chart);
      }
    }
    root.dataset.rendered = 'device';
  }, POLL_MS);
};
