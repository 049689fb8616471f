/** Step 1, and again after a device is re-planned: the alerts, written before the device that raised them. */
import type { AlertItem } from '#core/items/alert.ts';
import type { WriteContext } from './context.ts';

export const writeAlerts = async (context: WriteContext, alerts: readonly AlertItem[]): Promise<void> => {
  if (alerts.length === 0) return;
  await context.alerts.write(alerts);
  context.stats.alerts += alerts.length;
};
