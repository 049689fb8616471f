/**
 * Fleet record counts, in the fleet item of each source partition: only the invocations reading that partition
 * write it; readers sum them. `byModel` is a bounded map with escaped keys (data-map.ts). The same item carries the
 * device-count changes committed through the partition (fleet-devices.ts), which a records update keeps.
 */
import type { BatchRecord } from './batch-record.ts';
import { bump, mergeCounts } from './data-map.ts';
import type { FleetItem } from './items/fleet.ts';
import { fleetItemKey } from './items/keys.ts';

export interface FleetRecordsPlan {
  item: FleetItem;
  expectedVersion: number | null;
}

export const planFleetRecords = (
  topic: string,
  partition: number,
  current: FleetItem | undefined,
  records: readonly BatchRecord[],
): FleetRecordsPlan | null => {
  const watermark = current?.offset ?? -1;
  const fresh = records.filter((r) => r.topic === topic && r.partition === partition && r.offset > watermark);
  if (fresh.length === 0) return null;
  const added = new Map<string, number>();
  let offset = watermark;
  for (const r of fresh) {
    bump(added, r.record.model, 1);
    offset = Math.max(offset, r.offset);
  }
  return {
    item: {
      ...current, // the device counts committed through this partition (fleet-devices.ts) stay as they are
      ...fleetItemKey(topic, partition),
      topic,
      partition,
      records: (current?.records ?? 0) + fresh.length,
      byModel: mergeCounts(current?.byModel, added),
      offset,
      version: (current?.version ?? 0) + 1,
    },
    expectedVersion: current?.version ?? null,
  };
};
