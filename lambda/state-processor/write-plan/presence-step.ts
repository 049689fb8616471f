/**
 * Step 0 of the write plan: the presence index (docs/DATA_MODEL.md "Presence index"). Before any device is written,
 * each device this batch writes whose item's last write (`processedAt`) was in an earlier processing slot is added
 * to the current slot's presence item of its partition. Written first, so a device write stamped in a slot is
 * always listed in that slot even if the invocation dies right after it (a retry finds the records folded and
 * writes nothing more). ADD to a string set: a retry, or an overlapping invocation, only adds; an extra id only makes
 * a device look active for a slot, which the sweep's read of the device item corrects.
 */

import type { BatchGroups } from '#core/batch/group.ts';
import type { BatchPlan } from '#core/batch/plan.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey } from '#core/items/keys.ts';
import { isNewInSlot, presenceChunks, presenceExpiry, presenceKey, slotOf } from '#core/items/presence.ts';
import { itemIn, type StateItem } from '#core/items/state-item.ts';
import type { PresenceEntry, PresenceSink } from '#core/ports.ts';

interface PartitionDevices {
  topic: string;
  partition: number;
  firstOffset: number;
  all: Set<string>;
  present: Set<string>;
}

const partitionId = (topic: string, partition: number) => `${topic}\n${partition}`;

/** The batch's partitions (first offset = the batch's lowest there) and each device on its first record's partition. */
const byPartition = (groups: BatchGroups): Map<string, PartitionDevices> => {
  const partitions = new Map<string, PartitionDevices>();
  for (const { topic, partition, records } of groups.partitions.values()) {
    const firstOffset = records.reduce((min, r) => Math.min(min, r.offset), Number.POSITIVE_INFINITY);
    partitions.set(partitionId(topic, partition), {
      topic,
      partition,
      firstOffset,
      all: new Set(),
      present: new Set(),
    });
  }
  for (const [deviceId, records] of groups.devices) {
    const first = records[0];
    if (first !== undefined) partitions.get(partitionId(first.topic, first.partition))?.all.add(deviceId);
  }
  return partitions;
};

/** The presence entries of a batch plan written at `nowMs`. */
export const presenceEntries = (
  groups: BatchGroups,
  plan: BatchPlan,
  items: ReadonlyMap<string, StateItem>,
  nowMs: number,
): PresenceEntry[] => {
  const slot = slotOf(nowMs);
  const partitions = byPartition(groups);
  const partitionOf = new Map<string, PartitionDevices>();
  for (const p of partitions.values()) for (const id of p.all) partitionOf.set(id, p);
  for (const { item } of plan.devices) {
    const read = itemIn<DeviceItem>(items, deviceKey(item.deviceId));
    if (isNewInSlot(read?.processedAt, slot)) partitionOf.get(item.deviceId)?.present.add(item.deviceId);
  }
  const expiresAt = presenceExpiry(slot);
  return [...partitions.values()].flatMap((p) =>
    presenceChunks(p.all, p.present).map(({ chunk, ids }) => ({
      key: presenceKey(slot, { topic: p.topic, partition: p.partition, firstOffset: p.firstOffset, chunk }),
      ids,
      expiresAt,
    })),
  );
};

export const writePresence = async (
  sink: PresenceSink | undefined,
  entries: readonly PresenceEntry[],
): Promise<void> => {
  if (sink !== undefined && entries.length > 0) await sink.add(entries);
};
