/** Groups a batch's valid records by the item they fold into: device, window (device, minute), partition. */
import type { BatchRecord } from '#core/batch-record.ts';
import { fleetItemKey, itemId, sourceKey, windowKey, windowStart } from '#core/items/keys.ts';

export interface WindowGroup {
  deviceId: string;
  start: string;
  records: BatchRecord[];
}

export interface PartitionGroup {
  topic: string;
  partition: number;
  records: BatchRecord[];
}

export interface BatchGroups {
  /** deviceId → records. */
  devices: Map<string, BatchRecord[]>;
  /** itemId(window key) → group. */
  windows: Map<string, WindowGroup>;
  /** itemId(fleet item key) → group. */
  partitions: Map<string, PartitionGroup>;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** Groups records by target item. A record delivered twice in one batch is kept once. */
export const groupBatch = (records: readonly BatchRecord[]): BatchGroups => {
  const seen = new Set<string>();
  const groups: BatchGroups = { devices: new Map(), windows: new Map(), partitions: new Map() };
  for (const r of records) {
    const position = `${sourceKey(r.topic, r.partition)}@${r.offset}`;
    if (seen.has(position)) continue;
    seen.add(position);
    const { deviceId } = r.record;
    push(groups.devices, deviceId, r);
    const start = windowStart(r.record.eventTimeMs);
    const windowId = itemId(windowKey(deviceId, start));
    const window = groups.windows.get(windowId) ?? { deviceId, start, records: [] };
    window.records.push(r);
    groups.windows.set(windowId, window);
    const partitionId = itemId(fleetItemKey(r.topic, r.partition));
    const partition = groups.partitions.get(partitionId) ?? {
      topic: r.topic,
      partition: r.partition,
      records: [],
    };
    partition.records.push(r);
    groups.partitions.set(partitionId, partition);
  }
  return groups;
};
