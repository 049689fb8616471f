/**
 * A batch's alert writes, one device at a time (write-plan calls it right before each device write): an alert is
 * durable before the device item that records its edge, as docs/DATA_MODEL.md requires, yet a device's progress no
 * longer waits for every other device's alerts. Before, every attempt rewrote all the batch's alerts before any
 * device, so under sustained transient errors a retried batch redid them all and never reached a device (issue 25:
 * 233 alerts, 15 attempts, no progress). Now a device written by a failed attempt is kept (its watermark drops its
 * records, and with them its alerts, from the retry's plan), and within an attempt each alert is sent at most once
 * (a re-planned device repeats the alerts already written for it).
 */
import type { AlertItem } from '#core/items.ts';
import type { AlertSink } from '#core/ports.ts';

/** Writes the alerts not yet written by this writer; counts them in `stats.alerts`. */
export type AlertWriter = (alerts: readonly AlertItem[]) => Promise<void>;

export const alertWriter = (sink: AlertSink, stats: { alerts: number }): AlertWriter => {
  const written = new Set<string>();
  const idOf = (alert: AlertItem) => `${alert.deviceId}\n${alert.alertKey}`;
  return async (alerts) => {
    const fresh = [...new Map(alerts.filter((a) => !written.has(idOf(a))).map((a) => [idOf(a), a])).values()];
    if (fresh.length === 0) return;
    await sink.write(fresh);
    for (const alert of fresh) written.add(idOf(alert));
    stats.alerts += fresh.length;
  };
};
