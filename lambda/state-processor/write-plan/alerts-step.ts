/**
 * A device's alerts, written right before the device write that records their edge (and again after a re-plan):
 * an alert is durable before the item that records it (docs/DATA_MODEL.md), yet a device's progress does not wait for
 * every other device's alerts. Before, every attempt rewrote all the batch's alerts before any device, so under
 * sustained transient errors a retried batch redid them all and never reached a device (issue 25: 233 alerts,
 * 15 attempts, no progress). Now a device written by a failed attempt is kept (its watermark drops its records, and
 * with them its alerts, from the retry's plan), and within an attempt each alert is sent at most once (a re-planned
 * device repeats the alerts already written for it).
 */
import type { AlertItem } from '#core/items/alert.ts';
import type { WriteContext } from './context.ts';

const idOf = (alert: AlertItem) => `${alert.deviceId}\n${alert.alertKey}`;

export const writeAlerts = async (context: WriteContext, alerts: readonly AlertItem[]): Promise<void> => {
  const written = context.writtenAlerts;
  const fresh = [...new Map(alerts.filter((a) => !written.has(idOf(a))).map((a) => [idOf(a), a])).values()];
  if (fresh.length === 0) return;
  await context.alerts.write(fresh);
  for (const alert of fresh) written.add(idOf(alert));
  context.stats.alerts += fresh.length;
};
