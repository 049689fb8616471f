/**
 * Alert episodes as the property tests check them (docs/DATA_MODEL.md "Alert episodes"):
 * - `withoutEpisodePaths`: a state-table view without the device items' `openAlerts` and `pendingSince`. Like the
 *   alerts they point to, they depend on the path a device's records took when its records are out of order across
 *   batches (which record crossed the edge first); compare them only where alerts themselves are compared.
 * - `episodeViolations`: what the alerts table and its stream must satisfy whatever the history.
 */
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { ruleMapOf } from '#core/rule-maps.ts';
import type { MemoryAlertSink, MemoryStateStore } from './memory-state.ts';

export const withoutEpisodePaths = (view: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(view).map(([id, item]) => {
      if (!id.endsWith('\nSTATE')) return [id, item];
      const { openAlerts: _open, pendingSince: _pending, ...rest } = item as DeviceItem;
      return [id, rest];
    }),
  );

const streamViolations = (alerts: MemoryAlertSink): string[] => {
  const problems: string[] = [];
  const byId = new Map<string, string[]>();
  for (const { id, state } of alerts.changes) byId.set(id, [...(byId.get(id) ?? []), state]);
  for (const [id, changes] of byId) {
    const states = changes.join(',');
    if (states !== 'firing' && states !== 'firing,resolved') problems.push(`${id}: stream ${states}`);
  }
  for (const [id, alert] of alerts.alerts) {
    if (!byId.has(id)) problems.push(`${id}: never on the stream`);
    if (alert.state === 'resolved' && !(alert.endsAt && alert.endsAt >= alert.at))
      problems.push(`${id}: resolved at ${alert.endsAt}, raised at ${alert.at}`);
    if (alert.startsAt === undefined || alert.startsAt > alert.at)
      problems.push(`${id}: starts at ${alert.startsAt}, raised at ${alert.at}`);
  }
  return problems;
};

/**
 * Each alert inserted once as `firing` and resolved at most once after (never before) its raise; each open episode of
 * a device item is an alert of that device and rule. `exact` (histories whose alerts equal a clean pass): each open
 * episode is firing, and each firing alert is its rule's open episode.
 */
export const episodeViolations = (
  alerts: MemoryAlertSink,
  store: MemoryStateStore,
  exact: boolean,
): string[] => {
  const problems = streamViolations(alerts);
  const open = new Set<string>();
  for (const item of store.items.values()) {
    if (item.sk !== 'STATE') continue;
    for (const [ruleId, alertKey] of ruleMapOf((item as DeviceItem).openAlerts)) {
      const id = `${(item as DeviceItem).deviceId}\n${alertKey}`;
      const alert: AlertItem | undefined = alerts.alerts.get(id);
      open.add(id);
      if (alert?.ruleId !== ruleId) problems.push(`${id}: open for ${ruleId}, stored ${alert?.ruleId}`);
      else if (exact && alert.state !== 'firing') problems.push(`${id}: open but ${alert.state}`);
    }
  }
  if (exact)
    for (const [id, alert] of alerts.alerts)
      if (alert.state === 'firing' && !open.has(id)) problems.push(`${id}: firing but not open`);
  return problems;
};
