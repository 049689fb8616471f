import { type DeviceSummary, type Fleet, get, type Page, withQuery } from './api.ts';
import type { Context } from './context.ts';
import { changed, field, h, replaceChildren, select, table } from './dom.ts';
import { deviceHash, entries, formatDecimal, formatInteger, formatTime } from './format.ts';

const PAGE_SIZES = ['5', '25', '100'] as const;
const POLL_MS = 5000;

export const devicesPage = (root: HTMLElement, context: Context, query: URLSearchParams): void => {
  const status = query.get('status') ?? '';
  const model = query.get('model') ?? '';
  const limit = PAGE_SIZES.find((size) => size === query.get('limit')) ?? '25';
  // Cursors of the pages before this one, so "Previous" can go back (the API's cursors only go forward).
  const cursors: Array<string | undefined> = [undefined];
  let next: string | null = null;

  const statusSelect = select('status', [['', 'any']], status);
  const modelSelect = select('model', [['', 'any']], model);
  const limitSelect = select(
    'limit',
    PAGE_SIZES.map((size) => [size, size] as const),
    limit,
  );
  const filters = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter devices',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = withQuery('#/devices', {
          status: statusSelect.value,
          model: modelSelect.value,
          limit: limitSelect.value === '25' ? undefined : limitSelect.value,
        });
      },
    },
    field('filter-status', 'Status', statusSelect),
    field('filter-model', 'Model', modelSelect),
    field('filter-limit', 'Per page', limitSelect),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const searchInput = h('input', {
    name: 'deviceId',
    type: 'search',
    autocomplete: 'off',
    required: true,
    maxlength: 128,
  });
  const search = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (searchInput.value.trim() !== '') location.hash = deviceHash(searchInput.value.trim());
      },
    },
    field('search-device', 'Device id', searchInput),
    h('button', { type: 'submit' }, 'Open device'),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const pager = h('div', { class: 'pager' });
  replaceChildren(root, h('h1', {}, 'Devices'), search, filters, results, pager);

  // Offer the statuses and models the fleet has seen (plus the one in the URL, so a filter is never hidden).
  void get<Fleet>('/fleet').then((fleet) => {
    const add = (element: HTMLSelectElement, names: string[], current: string) => {
      for (const name of new Set([...names, ...(current === '' ? [] : [current])])) {
        if (![...element.options].some((option) => option.value === name)) {
          element.append(h('option', { value: name, selected: name === current }, name));
        }
      }
    };
    add(statusSelect, ['connected', 'down', ...Object.keys(fleet.byStatus)], status);
    add(
      modelSelect,
      entries(fleet.byModel).map(([name]) => name),
      model,
    );
  }, context.report);

  const load = async () => {
    const cursor = cursors.at(-1);
    const page = await get<Page<DeviceSummary>>(withQuery('/devices', { status, model, limit, cursor }));
    next = page.cursor;
    const pageNumber = cursors.length;
    if (!changed(results, [page, pageNumber])) {
      root.dataset.rendered = 'devices';
      return;
    }
    replaceChildren(
      results,
      page.items.length === 0
        ? h(
            'p',
            { class: 'empty' },
            status === '' && model === ''
              ? 'No devices yet: once telemetry is processed, devices appear here (locally, "npm start" runs a generator).'
              : 'No device matches these filters.',
          )
        : table(
            `Devices${status ? `, status ${status}` : ''}${model ? `, model ${model}` : ''} (page ${pageNumber})`,
            ['Device', 'Model', 'Status', 'CPU %', 'Memory MB', 'Last seen'],
            page.items.map((device) => [
              h('a', { href: deviceHash(device.deviceId), 'data-device': device.deviceId }, device.deviceId),
              device.model,
              h(
                'span',
                { class: `status status-${device.status === 'down' ? 'down' : 'ok'}` },
                device.status,
              ),
              formatDecimal(device.cpuUsage),
              formatInteger(device.memoryUsage),
              formatTime(device.lastSeen),
            ]),
          ),
    );
    replaceChildren(
      pager,
      h(
        'button',
        {
          type: 'button',
          disabled: cursors.length === 1,
          onclick: () => {
            cursors.pop();
            void load().catch(context.report);
          },
        },
        'Previous page',
      ),
      h('span', {}, `Page ${pageNumber}`),
      h(
        'button',
        {
          type: 'button',
          disabled: next === null,
          onclick: () => {
            if (next === null) return;
            cursors.push(next);
            void load().catch(context.report);
          },
        },
        'Next page',
      ),
    );
    root.dataset.rendered = 'devices';
  };
  context.poll(load, POLL_MS);
};
