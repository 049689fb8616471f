/**
 * State-table items as readers see them, to compare tables written through different histories (batch boundaries,
 * retries, concurrent invocations) that must be equivalent:
 * - without `version` (it counts writes) and `processedAt` (the processing clock of the last write: when, not what),
 *   and without the new-device cap's items (bookkeeping by batch boundaries);
 * - every device's closed window copied into its window item, as its copy will write it and readers merge it, then
 *   closed windows and their tags left out (where a closed minute still is depends on the history);
 * - fleet device counts summed over the partitions' fleet items under one key, FLEET_DEVICES (which partition counts
 *   a device's change depends on the batch that carried it; readers sum them all).
 */

import { itemId, windowKey } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { WindowItem } from '#core/items/window.ts';
import { planMinuteWindow } from '#core/window/closed.ts';

/** The view's key for the fleet device counts summed over partitions. */
export const FLEET_DEVICES = '(fleet device counts, summed over partitions)';

/** Retention the tests' processors use (the default): the copy's `expiresAt`. */
const RETENTION_DAYS = 7;

const withClosedWindowsCopied = (stored: ReadonlyMap<string, StateItem>): Map<string, StateItem> => {
  const items = new Map(stored);
  for (const item of stored.values()) {
    if (!('closedWindow' in item) || item.closedWindow === undefined) continue;
    const { start, source } = item.closedWindow;
    const key = itemId(windowKey(item.deviceId, start));
    const window = items.get(key) as WindowItem | undefined;
    const copy = planMinuteWindow(
      { deviceId: item.deviceId, retentionDays: RETENTION_DAYS, source: source ?? '' },
      { start, stored: window, records: [] },
      item,
    );
    if (copy) items.set(key, copy.item);
  }
  for (const [id, item] of items) {
    if ('closedWindow' in item) {
      const { closedWindow: _closed, ...device } = item;
      items.set(id, device as StateItem);
    } else if ('closedAt' in item) {
      const { closedAt: _at, ...window } = item;
      items.set(id, window as StateItem);
    }
  }
  return items;
};

/** Stored keys as they are (escaped), summed; zeros dropped, as a name whose devices all moved away is gone. */
const addCounts = (into: Record<string, number>, counts: Record<string, number> | undefined) => {
  const sum: Record<string, number> = Object.assign(Object.create(null), into);
  for (const [key, n] of Object.entries(counts ?? {})) {
    sum[key] = (sum[key] ?? 0) + n;
    if (sum[key] === 0) delete sum[key];
  }
  return sum;
};

/** The view, keyed by item id (pk + newline + sk), sorted. */
export const readerView = (stored: Iterable<StateItem>): Record<string, unknown> => {
  const items = withClosedWindowsCopied(new Map([...stored].map((item) => [itemId(item), item])));
  const out: Record<string, unknown> = {};
  const fleet = { devices: 0, byStatus: {}, byModelDevices: {}, byModelDown: {} };
  for (const id of [...items.keys()].sort()) {
    // The new-device cap's counts (core/new-device-cap.ts) are bookkeeping keyed by batch boundaries: no reader sees them.
    if (id.startsWith('NEWDEV#')) continue;
    // The presence index (items/presence.ts) is keyed by batch boundaries and the processing clock: no reader sees it
    // either (the sweep reads it as candidates only); its invariant is tested in write-plan/presence-step.test.ts.
    if (id.startsWith('PRESENCE#')) continue;
    const {
      version: _version,
      processedAt: _processedAt,
      ...rest
    } = items.get(id) as StateItem & {
      processedAt?: string;
    };
    if (!('records' in rest)) {
      out[id] = rest;
      continue;
    }
    const { devices, byStatus, byModelDevices, byModelDown, ...recordCounts } = rest;
    fleet.devices += devices ?? 0;
    fleet.byStatus = addCounts(fleet.byStatus, byStatus);
    fleet.byModelDevices = addCounts(fleet.byModelDevices, byModelDevices);
    fleet.byModelDown = addCounts(fleet.byModelDown, byModelDown);
    out[id] = recordCounts;
  }
  if (fleet.devices !== 0 || Object.keys(fleet.byStatus).length > 0) out[FLEET_DEVICES] = fleet;
  return out;
};
