/**
 * The new-device cap as a step of the processor (decision rule: core/new-device-cap.ts). After the first read:
 * re-read strongly the cap items of the batch's partitions and the devices that may be new (a stale image could
 * make a known device look new), decide per partition, dead-letter the records over the cap, and record each
 * partition's counts in its cap item before any device is written. Returns the records to fold.
 */
import { type BatchGroups, groupBatch } from '#core/batch/group.ts';
import type { BatchRecord } from '#core/batch-record.ts';
import { type DeadLetter, toDeadLetter } from '#core/dead-letter.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, type ItemKey, itemId, sourceKey } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import {
  type CapResult,
  capCandidates,
  capNewDevices,
  DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
  type NewDeviceCapItem,
  newDeviceCapKey,
  withSnapshot,
} from '#core/new-device-cap.ts';
import type { DeadLetterSink, Log, StateStore } from '#core/ports.ts';

export interface CapStepInput {
  groups: BatchGroups;
  /** The items read so far (devices are refreshed in place with their strongly consistent image). */
  items: Map<string, StateItem>;
  sources: readonly SourceRecord[];
  source: string;
  /** @default DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE */
  cap?: number | undefined;
  nowMs: number;
}

export interface CapStepDeps {
  store: StateStore;
  deadLetters: DeadLetterSink;
  logger: Log;
  /** Conditional-write attempts on a cap item lost to another invocation of its partition. @default 8 */
  maxAttempts?: number;
}

const positionKey = (r: { topic: string; partition: number; offset: number }) =>
  `${sourceKey(r.topic, r.partition)}@${r.offset}`;

/** Records the batch's counts in a partition's cap item (conditional on the version read; merged on conflict). */
const recordSnapshot = async (deps: CapStepDeps, key: ItemKey, first: unknown, update: CapUpdate) => {
  let current = first as NewDeviceCapItem | undefined;
  for (let attempt = 1; ; attempt++) {
    const next = withSnapshot(key, current, update);
    if (next === null) return;
    const expectedVersion = current?.version ?? null;
    if (await deps.store.put({ item: next as unknown as StateItem, expectedVersion })) return;
    if (attempt >= (deps.maxAttempts ?? 8))
      throw new Error(`gave up on ${key.pk} after ${attempt} conflicts`);
    current = (await deps.store.read([key])).get(itemId(key)) as unknown as NewDeviceCapItem | undefined;
  }
};

type CapUpdate = Pick<CapResult, 'batchStart' | 'snapshot'> & { source: string };

/** Applies the cap; returns the admitted records (every valid record when none is over it). */
export const applyNewDeviceCap = async (input: CapStepInput, deps: CapStepDeps): Promise<BatchRecord[]> => {
  const { groups, items, source } = input;
  const partitions = [...groups.partitions.values()];
  const deviceOf = (id: string) => items.get(itemId(deviceKey(id))) as DeviceItem | undefined;
  const recordsOf = (id: string) => groups.devices.get(id) ?? [];
  const candidates = partitions.flatMap((p) =>
    capCandidates({ records: p.records, deviceOf, source, recordsOf }),
  );
  const capKeys = partitions.map((p) => newDeviceCapKey(p.topic, p.partition));
  const fresh = await deps.store.read([...capKeys, ...[...new Set(candidates)].map(deviceKey)]);
  for (const id of candidates) {
    const key = itemId(deviceKey(id));
    const item = fresh.get(key);
    if (item) items.set(key, item);
    else items.delete(key);
  }
  const timestamps = new Map(input.sources.map((s) => [positionKey(s), s.timestampMs]));
  const admitted: BatchRecord[] = [];
  const letters: DeadLetter[] = [];
  const sourceOf = new Map(input.sources.map((s) => [positionKey(s), s]));
  const at = new Date(input.nowMs).toISOString();
  const updates: [ItemKey, CapUpdate][] = [];
  for (const [index, p] of partitions.entries()) {
    const key = capKeys[index] as ItemKey;
    const result = capNewDevices({
      records: p.records,
      timestampOf: (r) => timestamps.get(positionKey(r)) ?? -1,
      deviceOf,
      recordsOf,
      capItem: fresh.get(itemId(key)) as unknown as NewDeviceCapItem | undefined,
      source,
      cap: input.cap ?? DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
    });
    admitted.push(...result.admitted);
    for (const { record, reason } of result.rejected) {
      const original = sourceOf.get(positionKey(record));
      if (original) letters.push(toDeadLetter(original, reason, at));
    }
    if (result.changed) updates.push([key, { ...result, source }]);
  }
  // Dead-letters first (never lost), then the counts, both before any device of the batch is written.
  if (letters.length > 0) await deps.deadLetters.write(letters);
  for (const [key, update] of updates) await recordSnapshot(deps, key, fresh.get(itemId(key)), update);
  return admitted;
};

/** The batch's groups without the records over the cap (the same groups when none is). */
export const capNewDeviceRecords = async (input: CapStepInput, deps: CapStepDeps): Promise<BatchGroups> => {
  if (input.groups.partitions.size === 0) return input.groups;
  const valid = [...input.groups.partitions.values()].reduce((n, p) => n + p.records.length, 0);
  const admitted = await applyNewDeviceCap(input, deps);
  if (admitted.length === valid) return input.groups;
  deps.logger.warn('records over the new-device cap sent to dead-letter', { count: valid - admitted.length });
  return groupBatch(admitted);
};
