/**
 * Partitions whose batch ends strictly below the offset their fleet item already folded, within the same
 * incarnation of the topic: their records are skipped as "already folded". A retried batch may do this once (its
 * first attempt wrote the fleet item); a topic re-created in the same cluster, whose offsets restart at 0, does it on
 * every batch — hence a metric and an alarm on it being sustained.
 */
import type { BatchGroups } from './batch/group.ts';
import type { FleetItem } from './items/fleet.ts';
import { fleetItemKey, itemId } from './items/keys.ts';
import type { StateItem } from './items/state-item.ts';
import { sameIncarnation } from './watermark.ts';

export const rewoundPartitions = (
  groups: BatchGroups,
  items: ReadonlyMap<string, StateItem>,
  incarnation: string,
): number[] => {
  const out: number[] = [];
  for (const group of groups.partitions.values()) {
    const fleetItem = items.get(itemId(fleetItemKey(group.topic, group.partition))) as FleetItem | undefined;
    if (fleetItem === undefined || !sameIncarnation(fleetItem.source, incarnation)) continue;
    const last = group.records.reduce((max, r) => Math.max(max, r.offset), -1);
    if (last < fleetItem.offset) out.push(group.partition);
  }
  return out.sort((a, b) => a - b);
};
