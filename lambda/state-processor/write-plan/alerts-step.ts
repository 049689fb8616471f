/**
 * A device's alert changes, written right before the device write that records them (and again after a re-plan):
 * first the alerts it raises (conditional puts), then the episodes it ends (conditional updates to `resolved`, after
 * the puts so an alert raised and ended by the same batch is inserted, then resolved). Like an alert, a resolution is
 * durable before the device item that drops the episode from `openAlerts` (docs/DATA_MODEL.md "Alert episodes").
 * Before, every attempt rewrote all the batch's alerts before any device, so under sustained transient errors a retried
 * batch redid them all and never reached a device (issue 25: 233 alerts, 15 attempts, no progress). Now a device
 * written by a failed attempt is kept (its watermark drops its records, and with them its alerts, from the retry's
 * plan), and within an attempt each alert and each resolution is sent at most once (a re-planned device repeats the
 * ones already written for it).
 */
import type { DevicePlan } from '#core/device.ts';
import type { AlertItem, AlertResolve } from '#core/items/alert.ts';
import type { WriteContext } from './context.ts';

const idOf = (alert: AlertItem | AlertResolve) => `${alert.deviceId}\n${alert.alertKey}`;

/** The changes not yet sent by this attempt, each once. */
const unsent = <T extends AlertItem | AlertResolve>(
  changes: readonly T[],
  sent: ReadonlySet<string>,
): T[] => [...new Map(changes.filter((c) => !sent.has(idOf(c))).map((c) => [idOf(c), c])).values()];

export const writeAlerts = async (
  context: WriteContext,
  plans: readonly Pick<DevicePlan, 'alerts' | 'resolves'>[],
): Promise<void> => {
  const alerts = unsent(
    plans.flatMap((p) => p.alerts),
    context.writtenAlerts,
  );
  if (alerts.length > 0) {
    await context.alerts.write(alerts);
    for (const alert of alerts) context.writtenAlerts.add(idOf(alert));
    context.stats.alerts += alerts.length;
  }
  const resolves = unsent(
    plans.flatMap((p) => p.resolves),
    context.writtenResolves,
  );
  if (resolves.length === 0) return;
  await context.alerts.resolve(resolves);
  for (const resolve of resolves) context.writtenResolves.add(idOf(resolve));
  context.stats.resolves += resolves.length;
};
