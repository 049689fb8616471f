/**
 * Fleet record counts, one shard per source partition: only the invocation reading that partition writes it,
 * so shards never contend; readers sum them. `byModel` is a bounded map with escaped keys (data-map.ts).
 */
import type { BatchRecord } from './batch-record.ts';
import { bump, mergeCounts } from './data-map.ts';
import { type FleetRecordsItem, fleetRecordsKey } from './items.ts';

export interface FleetRecordsPlan {
  item: FleetRecordsItem;
  expectedVersion: number | null;
}

export const planFleetRecords = (
  topic: string,
  partition: number,
  current: FleetRecordsItem | undefined,
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
      ...fleetRecordsKey(topic, partition),
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
