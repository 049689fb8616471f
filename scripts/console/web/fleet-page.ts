import { type DeviceSummary, type Fleet, get, type Page, type Progress, withQuery } from './api.ts';
import type { Context } from './context.ts';
import { changed, h, replaceChildren, table } from './dom.ts';
import { deviceHash, entries, formatDecimal, formatInteger, formatTime } from './format.ts';
import { RateMeter } from './rate.ts';

const POLL_MS = 3000;

/** A horizontal bar per row, scaled to the largest value: a chart that is also readable as text. */
const bars = (label: string, rows: ReadonlyArray<readonly [string, number]>) => {
  const max = Math.max(1, ...rows.map(([, value]) => value));
  return h(
    'ul',
    { class: 'bars', 'aria-label': label },
    ...rows.map(([name, value]) =>
      h(
        'li',
        {},
        h('span', { class: 'bar-name' }, name),
        h(
          'span',
          { class: 'bar-track', 'aria-hidden': 'true' },
          h('span', {
            class: `bar-fill bar-${name === 'down' ? 'down' : 'ok'}`,
            style: `width:${(100 * value) / max}%`,
          }),
        ),
        h('span', { class: 'bar-value' }, formatInteger(value)),
      ),
    ),
  );
};

const stat = (name: string, key: string, value: string, note?: string) =>
  h(
    'div',
    { class: 'stat' },
    h('dt', {}, name),
    h('dd', { 'data-stat': key }, value),
    note ? h('p', { class: 'hint' }, note) : null,
  );

export const fleetPage = (root: HTMLElement, context: Context): void => {
  const rate = new RateMeter();
  const summary = h('dl', { class: 'stats', 'aria-live': 'polite' });
  const charts = h('div', { class: 'grid' });
  const down = h('section', { 'aria-labelledby': 'down-title' });
  const updated = h('p', { class: 'hint' });
  replaceChildren(root, h('h1', {}, 'Fleet'), updated, summary, charts, down);
  // Lag asks the broker, which can be slower than the API: it never holds up the counts, it fills in when known.
  let progress: Progress | null = null;
  const showLag = () => {
    const lag = summary.querySelector('[data-stat="lag"]');
    const note = lag?.nextElementSibling;
    if (lag === null || progress === null) return;
    lag.textContent = progress.available ? `${formatInteger(progress.lag ?? 0)} records` : 'unavailable';
    if (note)
      note.textContent = progress.available
        ? (progress.behind ?? 'records in the topic not yet processed')
        : (progress.reason ?? '');
  };
  context.poll(async () => {
    void get<Progress>('/console/progress.json').then(
      (value) => {
        progress = value;
        showLag();
      },
      () => {},
    );
    const [fleet, downPage] = await Promise.all([
      get<Fleet>('/fleet'),
      get<Page<DeviceSummary>>(withQuery('/devices', { status: 'down', limit: '10' })),
    ]);
    rate.add({ at: Date.now(), count: fleet.records });
    const perSecond = rate.perSecond();
    replaceChildren(
      summary,
      stat('Devices', 'devices', formatInteger(fleet.devices)),
      stat('Records', 'records', formatInteger(fleet.records)),
      stat(
        'Records/s',
        'rate',
        perSecond === null ? 'measuring…' : formatDecimal(perSecond),
        'processed, from the fleet count over the last 30 s',
      ),
      stat('Processor lag', 'lag', 'measuring…', ' '),
    );
    showLag();
    const chartsChanged = changed(charts, [fleet.devices === 0, fleet.byStatus, fleet.byModel]);
    if (chartsChanged && fleet.devices === 0) {
      replaceChildren(
        charts,
        h(
          'div',
          { class: 'empty' },
          h('h2', {}, 'No devices yet'),
          h(
            'p',
            {},
            context.config.target === 'local'
              ? 'Nothing has been processed. "npm start" runs a generator; with --no-generator produce telemetry with "npm run generate -- --local --devices 100 --rate 200 --duration 60".'
              : 'The deployed pipeline has processed no records. Produce telemetry with "npm run generate" against the cluster.',
          ),
        ),
      );
    } else if (chartsChanged) {
      const statusRows = entries(fleet.byStatus).map(([name, count]) => [name, count] as const);
      const modelRows = entries(fleet.byModel);
      replaceChildren(
        charts,
        h(
          'section',
          { 'aria-labelledby': 'by-status' },
          h('h2', { id: 'by-status' }, 'Devices by status'),
          bars('Devices by status', statusRows),
          table(
            'Devices by status',
            ['Status', 'Devices'],
            statusRows.map(([name, count]) => [
              h('a', { href: withQuery('#/devices', { status: name }) }, name),
              formatInteger(count),
            ]),
          ),
        ),
        h(
          'section',
          { 'aria-labelledby': 'by-model' },
          h('h2', { id: 'by-model' }, 'Devices by model'),
          bars(
            'Devices by model',
            modelRows.map(([name, m]) => [name, m.devices] as const),
          ),
          table(
            'Devices and records by model',
            ['Model', 'Devices', 'Records', 'Down'],
            modelRows.map(([name, m]) => [
              h('a', { href: withQuery('#/devices', { model: name }) }, name),
              formatInteger(m.devices),
              formatInteger(m.records),
              formatInteger(m.down),
            ]),
          ),
        ),
      );
    }
    if (changed(down, downPage))
      replaceChildren(
        down,
        h('h2', { id: 'down-title' }, 'Down right now'),
        downPage.items.length === 0
          ? h('p', { class: 'empty' }, 'No device is down.')
          : h(
              'ul',
              { class: 'down-list' },
              ...downPage.items.map((device) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: deviceHash(device.deviceId), 'data-device': device.deviceId },
                    device.deviceId,
                  ),
                  ` ${device.model} · since ${formatTime(device.eventTime)}`,
                ),
              ),
            ),
        downPage.cursor === null
          ? null
          : h('p', {}, h('a', { href: withQuery('#/devices', { status: 'down' }) }, 'All down devices →')),
      );
    updated.textContent = `Updated ${formatTime(new Date().toISOString())} · refreshes every ${POLL_MS / 1000} s`;
    root.dataset.rendered = 'fleet';
    // Time to first render, for the browser test and anyone profiling: one mark per page load.
    if (performance.getEntriesByName('console:first-render').length === 0)
      performance.mark('console:first-render');
  }, POLL_MS);
};
