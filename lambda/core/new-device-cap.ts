/**
 * The new-device cap: at most `cap` devices new to a source partition per minute of the records' Kafka timestamps;
 * the records of the devices over it are dead-lettered (reason NEW_DEVICE_CAP_REASON), so a broken or hostile
 * producer cannot fill the state table with garbage ids. Replay-deterministic (docs/DATA_MODEL.md "New-device cap"):
 * - minutes come from the Kafka timestamps (the broker's append time), never from a clock;
 * - "new" = the device had no record before this batch: its item is absent, or holds only records of this batch (an
 *   earlier attempt wrote it): a device this batch admitted and a failed attempt already wrote is ranked as before;
 * - a new device counts against the partition of its record (each partition keeps its own count);
 * - the counts carried over from earlier batches are a snapshot "through offset S-1" (S = the batch's first offset,
 *   the committed offset every retry starts from) kept in the partition's cap item, written before any device.
 * So a retry, whatever it finds written, admits and rejects exactly the records the first attempt did.
 */
import type { BatchRecord } from './batch-record.ts';
import { nullMap } from './data-map.ts';
import type { ItemKey } from './items/keys.ts';
import type { Offsets } from './watermark.ts';
import { isAboveWatermark, watermarksFor } from './watermark.ts';

export const NEW_DEVICE_CAP_REASON = 'new-device-cap';
/** Default cap per source partition per minute: far above a fleet's steady arrival of new devices. */
export const DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE = 1_000;
/** Minutes of counts a snapshot keeps behind its newest (Kafka timestamps of a CreateTime topic may go back). */
const KEPT_MINUTES = 5;
/** Snapshots a cap item keeps: the one the current batch starts from, and those of its attempts. */
const KEPT_SNAPSHOTS = 8;
const NO_TIMESTAMP_MINUTE = 'none';

/** New devices admitted per minute (`Math.floor(timestamp / 60 s)`, or "none"), counted through `through`. */
export interface CapSnapshot {
  through: number;
  minutes: Record<string, number>;
}

/** The cap state of one source partition (written only by its invocations). Not read by the API. */
export interface NewDeviceCapItem {
  pk: string;
  sk: string;
  /** Incarnation of the topic the offsets belong to (watermark.ts). */
  source: string;
  snapshots: CapSnapshot[];
  version: number;
}

export const newDeviceCapKey = (topic: string, partition: number): ItemKey => ({
  pk: `NEWDEV#${topic}#${partition}`,
  sk: 'CAP',
});

export interface CapInput {
  /** One partition's valid records of the batch. */
  records: readonly BatchRecord[];
  /** The Kafka timestamp of a record. */
  timestampOf: (r: BatchRecord) => number;
  /** The device item as read (strongly consistent for candidates), undefined when the device is absent. */
  deviceOf: (deviceId: string) => { source?: string; offsets: Offsets; recordCount: number } | undefined;
  /** All the batch's records of a device (every partition). */
  recordsOf: (deviceId: string) => readonly BatchRecord[];
  capItem: NewDeviceCapItem | undefined;
  source: string;
  cap: number;
}

export interface CapResult {
  admitted: BatchRecord[];
  rejected: { record: BatchRecord; reason: string }[];
  /** The counts through the batch's last offset, to record before any device is written. */
  snapshot: CapSnapshot;
  /** True when the batch admitted a new device (else the counts are unchanged and need no write). */
  changed: boolean;
  batchStart: number;
}

const minuteOf = (timestampMs: number): string =>
  Number.isFinite(timestampMs) && timestampMs >= 0
    ? String(Math.floor(timestampMs / 60_000))
    : NO_TIMESTAMP_MINUTE;

const minuteIso = (minute: string): string =>
  minute === NO_TIMESTAMP_MINUTE ? 'without a timestamp' : new Date(Number(minute) * 60_000).toISOString();

/** The snapshot a batch starting at `start` counts from: through start-1, else the newest before it, else none. */
export const baseSnapshot = (item: NewDeviceCapItem | undefined, source: string, start: number) => {
  const snapshots = item?.source === source ? item.snapshots : [];
  const before = snapshots.filter((s) => s.through < start).sort((a, b) => b.through - a.through);
  return before[0];
};

const pruned = (minutes: Record<string, number>): Record<string, number> => {
  const numbered = Object.keys(minutes).filter((m) => m !== NO_TIMESTAMP_MINUTE);
  const newest = numbered.length > 0 ? Math.max(...numbered.map(Number)) : 0;
  return Object.fromEntries(
    Object.entries(minutes).filter(([m]) => m === NO_TIMESTAMP_MINUTE || Number(m) >= newest - KEPT_MINUTES),
  );
};

/** Devices of the partition's records that may be new (read them strongly consistent before deciding). */
export const capCandidates = (
  input: Pick<CapInput, 'records' | 'deviceOf' | 'source' | 'recordsOf'>,
): string[] => [...new Set(input.records.map((r) => r.record.deviceId))].filter((id) => !known(input, id));

/**
 * The device had records before this batch: its item exists and counts more records than the batch's own records
 * already folded into it (at or below its watermarks: what an earlier attempt of this batch wrote).
 */
const known = (input: Pick<CapInput, 'deviceOf' | 'source' | 'recordsOf'>, deviceId: string): boolean => {
  const item = input.deviceOf(deviceId);
  if (item === undefined) return false;
  const offsets = watermarksFor(item, input.source);
  const ownFolded = input.recordsOf(deviceId).filter((r) => !isAboveWatermark(offsets, r)).length;
  return item.recordCount > ownFolded;
};

/** Splits one partition's records into admitted and over-cap, deterministically (see the module comment). */
export const capNewDevices = (input: CapInput): CapResult => {
  const records = [...input.records].sort((a, b) => a.offset - b.offset);
  const batchStart = records[0]?.offset ?? 0;
  // Keyed by minute numbers this module makes (never by data), null-prototype all the same.
  const counts = Object.assign(
    nullMap<number>(),
    baseSnapshot(input.capItem, input.source, batchStart)?.minutes,
  );
  const admittedDevices = new Set(records.map((r) => r.record.deviceId).filter((id) => known(input, id)));
  const rejectedIn = new Map<string, string>();
  const result: CapResult = {
    admitted: [],
    rejected: [],
    snapshot: { through: 0, minutes: {} },
    batchStart,
    changed: false,
  };
  for (const r of records) {
    const deviceId = r.record.deviceId;
    if (admittedDevices.has(deviceId)) {
      result.admitted.push(r);
      continue;
    }
    const minute = minuteOf(input.timestampOf(r));
    if (rejectedIn.get(deviceId) !== minute && (counts[minute] ?? 0) < input.cap) {
      counts[minute] = (counts[minute] ?? 0) + 1;
      admittedDevices.add(deviceId);
      result.changed = true;
      result.admitted.push(r);
      continue;
    }
    rejectedIn.set(deviceId, minute);
    const over = `over ${input.cap} new devices on partition ${r.partition}`;
    const reason = `${NEW_DEVICE_CAP_REASON}: ${over} in the minute ${minuteIso(minute)}`;
    result.rejected.push({ record: r, reason });
  }
  result.snapshot = { through: records[records.length - 1]?.offset ?? batchStart, minutes: pruned(counts) };
  return result;
};

/**
 * The cap item with the batch's snapshot added, or null when it already holds it. Keeps the snapshot this batch
 * counted from (the newest before batchStart: a retry of the batch starts from it again) and those of the batch's
 * attempts (the next batch starts from one of them), at most KEPT_SNAPSHOTS.
 */
export const withSnapshot = (
  key: ItemKey,
  current: NewDeviceCapItem | undefined,
  update: { source: string; batchStart: number; snapshot: CapSnapshot },
): NewDeviceCapItem | null => {
  const kept = current?.source === update.source ? current.snapshots : [];
  if (kept.some((s) => s.through === update.snapshot.through)) return null;
  const base = baseSnapshot(current, update.source, update.batchStart);
  const snapshots = [
    ...(base ? [base] : []),
    ...kept.filter((s) => s.through >= update.batchStart),
    update.snapshot,
  ]
    .sort((a, b) => a.through - b.through)
    .slice(-KEPT_SNAPSHOTS);
  return { pk: key.pk, sk: key.sk, source: update.source, snapshots, version: (current?.version ?? 0) + 1 };
};
