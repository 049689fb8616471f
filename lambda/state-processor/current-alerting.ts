/**
 * Alerts are edge-triggered on a device's firing rules and written before the device (write-plan), and so are the
 * resolutions of its open episodes, so both must be planned from the device as it is: a stale device (the first read is
 * eventually consistent) could raise an alert the current item has already raised or left behind, or end an episode
 * the current item no longer holds open. The devices whose plan raises an alert or ends an episode are read again,
 * strongly consistent; one that changed is planned again from its current item. Its windows stay as read: they, like every
 * other item, are written on condition of the version read, so a stale one only costs a conflict and a re-read.
 */
import { type BatchPlan, planBatch } from '#core/batch/plan.ts';
import type { BatchPlanner } from '#core/batch/planner.ts';
import { deviceKey, itemId } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { StateStore } from '#core/ports.ts';

export const planWithCurrentAlerting = async (
  planner: BatchPlanner,
  items: Map<string, StateItem>,
  store: StateStore,
): Promise<BatchPlan> => {
  const plan = planBatch(planner, items);
  const alerting = [...new Set([...plan.alerts, ...plan.resolves].map((a) => a.deviceId))];
  if (alerting.length === 0) return plan;
  const current = await store.read(alerting.map(deviceKey));
  let changed = false;
  for (const deviceId of alerting) {
    const id = itemId(deviceKey(deviceId));
    const now = current.get(id);
    // Every write bumps the version: equal versions (or absent both times) are the same item.
    if (items.get(id)?.version === now?.version) continue;
    changed = true;
    if (now) items.set(id, now);
    else items.delete(id);
  }
  return changed ? planBatch(planner, items) : plan;
};
