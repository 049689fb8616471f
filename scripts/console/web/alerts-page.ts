import { type Alert, get, withQuery } from './api.ts';
import type { Context } from './context.ts';
import { changed, field, h, replaceChildren, table } from './dom.ts';
import { deviceHash, formatTime } from './format.ts';

const POLL_MS = 5000;

/** `datetime-local` values are in the browser's zone; the API wants an instant. */
const toInstant = (local: string): string | undefined => {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

export const alertsPage = (root: HTMLElement, context: Context, query: URLSearchParams): void => {
  const deviceId = query.get('deviceId') ?? '';
  const since = query.get('since') ?? '';
  const deviceInput = h('input', { name: 'deviceId', value: deviceId, autocomplete: 'off', maxlength: 128 });
  const sinceInput = h('input', { name: 'since', type: 'datetime-local', value: since });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter alerts',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = withQuery('#/alerts', {
          deviceId: deviceInput.value.trim(),
          since: sinceInput.value,
        });
      },
    },
    field('alerts-device', 'Device id', deviceInput),
    field('alerts-since', 'Since (your time zone)', sinceInput),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const results = h('div', { 'aria-live': 'polite' });
  replaceChildren(
    root,
    h('h1', {}, 'Alerts'),
    h(
      'p',
      { class: 'hint' },
      `Newest first, refreshed every ${POLL_MS / 1000} s. Without a device, the last 24 hours.`,
    ),
    form,
    results,
  );
  context.poll(async () => {
    const page = await get<{ items: Alert[] }>(
      withQuery('/alerts', { deviceId: deviceId || undefined, since: toInstant(since), limit: '100' }),
    );
    const items = [...page.items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    if (changed(results, items))
      replaceChildren(
        results,
        items.length === 0
          ? h('p', { class: 'empty' }, 'No alert fired in this period. Rules are on the Rules page.')
          : table(
              'Alerts, newest first',
              ['When', 'Device', 'Rule', 'Severity', 'Message'],
              items.map((alert) => [
                formatTime(alert.at),
                h('a', { href: deviceHash(alert.deviceId), 'data-device': alert.deviceId }, alert.deviceId),
                alert.ruleId,
                h('span', { class: `severity severity-${alert.severity}` }, alert.severity),
                alert.message,
              ]),
            ),
      );
    root.dataset.rendered = 'alerts';
  }, POLL_MS);
};
