import { byUrgency, deviceMuteId, type Episode } from './alert-order.ts';
import { get, request, withQuery } from './api.ts';
import { type Context, runAction } from './context.ts';
import { changed, field, h, replaceChildren, table } from './dom.ts';
import { deviceHash, formatTime } from './format.ts';

const POLL_MS = 5000;
/** How long the console's "Mute device" button mutes a device. */
const MUTE_MS = 3_600_000;

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
      `Firing first, then newest first, refreshed every ${POLL_MS / 1000} s. Without a device, the last 24 hours.`,
    ),
    form,
    results,
  );
  const status = h('p', { role: 'status', class: 'hint' });
  results.before(status);
  const act = (what: () => Promise<unknown>, done: string) => runAction(context, status, what, done);
  const actions = (alert: Episode) =>
    h(
      'span',
      { class: 'actions' },
      alert.acknowledged === null
        ? h(
            'button',
            {
              type: 'button',
              'aria-label': `Acknowledge alert ${alert.alertId}`,
              onclick: () =>
                act(
                  () => request('POST', `/alerts/${encodeURIComponent(alert.alertId)}/ack`),
                  `Alert on ${alert.deviceId} acknowledged.`,
                ),
            },
            'Acknowledge',
          )
        : h(
            'span',
            { title: `by ${alert.acknowledged.by}` },
            `Acknowledged ${formatTime(alert.acknowledged.at)}`,
          ),
      alert.state === 'firing' && !alert.muted
        ? h(
            'button',
            {
              type: 'button',
              'aria-label': `Mute device ${alert.deviceId} for an hour`,
              onclick: () =>
                act(
                  () =>
                    request('PUT', `/mutes/${encodeURIComponent(deviceMuteId(alert.deviceId))}`, {
                      deviceId: alert.deviceId,
                      until: new Date(Date.now() + MUTE_MS).toISOString(),
                    }),
                  `Device ${alert.deviceId} muted for an hour.`,
                ),
            },
            'Mute 1 h',
          )
        : alert.muted
          ? h('span', { class: 'muted' }, 'Muted')
          : '',
    );
  context.poll(async () => {
    const page = await get<{ items: Episode[] }>(
      withQuery('/alerts', { deviceId: deviceId || undefined, since: toInstant(since), limit: '100' }),
    );
    const items = [...page.items].sort(byUrgency);
    if (changed(results, items))
      replaceChildren(
        results,
        items.length === 0
          ? h('p', { class: 'empty' }, 'No alert fired in this period. Rules are on the Rules page.')
          : table(
              'Alerts, firing first, newest first',
              ['State', 'When', 'Device', 'Rule', 'Severity', 'Message', 'Actions'],
              items.map((alert) => [
                h('span', { class: `state state-${alert.state}`, 'data-state': alert.state }, alert.state),
                formatTime(alert.at),
                h('a', { href: deviceHash(alert.deviceId), 'data-device': alert.deviceId }, alert.deviceId),
                alert.ruleId,
                h('span', { class: `severity severity-${alert.severity}` }, alert.severity),
                alert.message,
                actions(alert),
              ]),
            ),
      );
    root.dataset.rendered = 'alerts';
  }, POLL_MS);
};
