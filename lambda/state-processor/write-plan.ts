/**
 * Writes a batch plan in the order that keeps retries convergent (docs/DATA_MODEL.md): record counts → windows →
 * devices, alerts each just before. Every write is conditional on the version of each item it was planned from, so
 * concurrent invocations of the same partition stay exact; on a conflict the item is re-read and re-planned from the
 * same records (the watermarks drop what is already folded), a bounded number of times. A device is written in one
 * transaction with the window items of the minutes it closes or passes over; a device whose fleet contribution
 * changes goes in a transaction with the fleet item of its counting partition (fleet-devices.ts), grouped per
 * partition and chunked by items and bytes.
 */

import { type BackoffOptions, backoffDelay } from '#adapters/backoff.ts';
import { documentItemBytes } from '#adapters/item-size.ts';
import { type BatchPlan, type BatchPlanner, itemId, type StateItem } from '#core/batch.ts';
import { forEachLimit } from '#core/concurrency.ts';
import type { DevicePlan } from '#core/device.ts';
import {
  accumulateDelta,
  applyFleetDelta,
  countingPartitionKey,
  emptyDelta,
  sameContribution,
} from '#core/fleet-devices.ts';
import type { FleetRecordsPlan } from '#core/fleet-records.ts';
import {
  type DeviceItem,
  deviceKey,
  type FleetRecordsItem,
  fleetRecordsKey,
  type ItemKey,
  type WindowItem,
  windowKey,
} from '#core/items.ts';
import type { AlertSink, ConditionalWrite, StateStore } from '#core/ports.ts';
import type { WindowPlan } from '#core/window.ts';
import { alertWriter } from './alert-writes.ts';

/** DynamoDB allows 100 items per transaction (each item at most once) and 4 MB in all. */
export const ITEMS_PER_TRANSACTION = 100;
export const TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Room left for the partition's fleet item: DynamoDB's item limit (its 4 count maps are bounded well below it). */
const SHARD_MARGIN_BYTES = 400 * 1024;

export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

export interface WriteOptions {
  store: StateStore;
  alerts: AlertSink;
  planner: BatchPlanner;
  /** The items read for the plan (used for the fleet-devices shards). */
  items: ReadonlyMap<string, StateItem>;
  concurrency: number;
  /** Conditional-write attempts per item before giving up (then the batch is retried by Lambda). */
  maxAttempts: number;
  /**
   * Attempts per fleet-count transaction lost only on the partition's fleet item. Only invocations of the same
   * partition share that item (around a rebalance or a timeout); a lost race only means "re-read it and add the same
   * delta again", and some contender wins each round, so a larger budget (with jittered backoff) converges.
   * @default 100
   */
  maxShardAttempts?: number;
  /** Backoff between shard attempts. @default 10 ms base, 1 s cap, full jitter, real sleep */
  shardBackoff?: BackoffOptions;
}

export interface WriteStats {
  itemWrites: number;
  transactions: number;
  conflicts: number;
  alerts: number;
  /** Fleet-count transactions cancelled because another invocation wrote the partition's fleet item first. */
  shardConflicts: number;
}

interface Planned {
  item: StateItem;
  expectedVersion: number | null;
}

export const writePlan = async (plan: BatchPlan, options: WriteOptions): Promise<WriteStats> => {
  const { store, planner, concurrency, maxAttempts } = options;
  const stats: WriteStats = { itemWrites: 0, transactions: 0, conflicts: 0, alerts: 0, shardConflicts: 0 };
  const maxShardAttempts = options.maxShardAttempts ?? 100;
  const shardBackoff = { baseMs: 10, maxMs: 1_000, ...options.shardBackoff };
  const sleep = shardBackoff.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const writeAlerts = alertWriter(options.alerts, stats); // each device's alerts, right before it (alert-writes.ts)

  const reread = async <T extends StateItem>(key: ItemKey): Promise<T | undefined> =>
    (await store.read([key])).get(itemId(key)) as T | undefined;

  const transact = async (writes: readonly ConditionalWrite[]): Promise<number[]> => {
    stats.transactions += 1;
    return store.transact(writes);
  };

  /**
   * Conditional put; on conflict re-read and re-plan until written or nothing is left to fold. Returns the item
   * written, or null when another invocation had folded it all (the item is then newer than any read here).
   */
  const putConverging = async <T extends Planned>(
    first: T,
    replan: (current: StateItem | undefined) => Promise<T | null>,
  ): Promise<StateItem | null> => {
    let write: T | null = first;
    for (let attempt = 1; write !== null; attempt++) {
      if (await store.put(toWrite(write))) {
        stats.itemWrites += 1;
        return write.item;
      }
      stats.conflicts += 1;
      if (attempt >= maxAttempts)
        throw new WriteConflictError(`gave up on ${describe(write.item)} after ${attempt} conflicts`);
      write = await replan(await reread(write.item));
    }
    return null;
  };

  const writeWindows = (windows: readonly WindowPlan[]) =>
    forEachLimit(windows, concurrency, async (planned) => {
      await putConverging(planned, async (current) =>
        planner.window(planned, current as WindowItem | undefined),
      );
    });

  /** Fleet partition items as last written or read; a key missing here is read again before it is written. */
  const partitionItems = new Map<string, FleetRecordsItem | undefined>(
    [...options.items].filter(([, item]) => item.sk.startsWith('RECORDS#')) as [string, FleetRecordsItem][],
  );
  for (const { topic, partition } of planner.groups.partitions.values()) {
    const id = itemId(fleetRecordsKey(topic, partition));
    if (!partitionItems.has(id)) partitionItems.set(id, undefined); // read, and absent
  }
  const writeRecordCounts = (plans: readonly FleetRecordsPlan[]) =>
    forEachLimit(plans, concurrency, async (planned) => {
      const id = itemId(planned.item);
      const written = await putConverging(planned, async (current) =>
        planner.fleetRecords(id, current as typeof planned.item | undefined),
      );
      if (written === null) partitionItems.delete(id);
      else partitionItems.set(id, written as FleetRecordsItem);
    });
  /** The partition whose fleet item counts a device's change (fleet-devices.ts). */
  const countingKeyOf = (d: DevicePlan) =>
    countingPartitionKey(planner.groups.devices.get(d.item.deviceId) ?? []);
  // A partition whose devices change the fleet counts writes its record counts in its first fleet-count
  // transaction (the item is written there anyway); the others now. Any left over are written at the end.
  const counting = new Set(
    plan.devices.filter((d) => !sameContribution(d.before, d.after)).map((d) => itemId(countingKeyOf(d))),
  );
  const deferredRecords = new Map(
    plan.fleetRecords.filter((p) => counting.has(itemId(p.item))).map((p) => [itemId(p.item), p]),
  );
  await writeRecordCounts(plan.fleetRecords.filter((p) => !deferredRecords.has(itemId(p.item))));
  await writeWindows(plan.windows);

  /** After a device conflict or a partial round: re-read the device and its windows, re-plan, write its late windows. */
  const replanDevice = async (deviceId: string): Promise<DevicePlan | null> => {
    const keys = planner.deviceKeys(deviceId);
    const items = await store.read(keys);
    // The minute it would close, and that of its closed window, may not be among the batch's minutes: read them too.
    const device = items.get(itemId(deviceKey(deviceId))) as DeviceItem | undefined;
    const more = [device?.openWindow?.start, device?.closedWindow?.start]
      .flatMap((start) => (start === undefined ? [] : [windowKey(deviceId, start)]))
      .filter((key) => !keys.some((k) => itemId(k) === itemId(key)));
    if (more.length > 0) for (const [id, item] of await store.read(more)) items.set(id, item);
    const replanned = planner.device(deviceId, items);
    if (replanned) {
      await writeAlerts(replanned.alerts);
      await writeWindows(replanned.late);
    }
    return replanned;
  };

  /** A partition's fleet item as last known here; `refresh` (after a lost race) reads it again. */
  const partitionItem = async (
    key: ItemKey & { refresh?: boolean },
  ): Promise<FleetRecordsItem | undefined> => {
    const id = itemId(key);
    if (key.refresh || !partitionItems.has(id))
      partitionItems.set(id, await reread<FleetRecordsItem>({ pk: key.pk, sk: key.sk }));
    return partitionItems.get(id);
  };

  /** Writes one round of device plans; returns the next round of those that had more records. */
  const writeDevices = async (plans: readonly DevicePlan[]): Promise<DevicePlan[]> => {
    const unfinished: string[] = [];
    // Alone (a put, or a transaction with its windows) when the fleet contribution is unchanged, else in a
    // transaction with the fleet item of their counting partition.
    const counted: DevicePlan[] = [];
    await forEachLimit(plans, concurrency, async (first) => {
      let planned: DevicePlan | null = first;
      for (let attempt = 1; planned !== null; attempt++) {
        if (!sameContribution(planned.before, planned.after)) {
          counted.push(planned);
          return;
        }
        await writeAlerts(planned.alerts);
        const writes = unitWrites(planned);
        const [only] = writes;
        const written =
          writes.length === 1 && only ? await store.put(only) : (await transact(writes)).length === 0;
        if (written) {
          stats.itemWrites += writes.length;
          await writeWindows(planned.afterDevice);
          if (planned.more) unfinished.push(planned.item.deviceId);
          return;
        }
        stats.conflicts += 1;
        if (attempt >= maxAttempts)
          throw new WriteConflictError(`gave up on ${describe(planned.item)} after ${attempt} conflicts`);
        planned = await replanDevice(planned.item.deviceId);
      }
    });

    const byPartition = new Map<
      string,
      { at: ReturnType<typeof countingPartitionKey>; devices: DevicePlan[] }
    >();
    for (const d of counted) {
      const at = countingKeyOf(d);
      const group = byPartition.get(itemId(at)) ?? { at, devices: [] };
      group.devices.push(d);
      byPartition.set(itemId(at), group);
    }
    await forEachLimit([...byPartition.values()], concurrency, async ({ at, devices }) => {
      let pending = devices;
      let attempts = 0;
      const id = itemId(at);
      while (pending.length > 0) {
        // The record counts planned for this partition ride in its first transaction, on the version they were
        // planned from.
        const records = deferredRecords.get(id);
        const current = records
          ? { ...records.item, version: records.expectedVersion ?? 0 }
          : await partitionItem(at);
        const expectedVersion = records ? records.expectedVersion : (current?.version ?? null);
        const chunk = takeChunk(pending);
        const delta = emptyDelta();
        for (const d of chunk) accumulateDelta(delta, d.before, d.after);
        const writes: ConditionalWrite[] = [];
        const owner: number[] = []; // index of the chunk's device per write; -1 = the shard
        for (const [index, d] of chunk.entries())
          for (const write of unitWrites(d)) {
            writes.push(write);
            owner.push(index);
          }
        const shardWrite: ConditionalWrite = { item: applyFleetDelta(at, current, delta), expectedVersion };
        writes.push(shardWrite);
        owner.push(-1);
        await writeAlerts(chunk.flatMap((d) => d.alerts));
        const conflicts = await transact(writes);
        if (conflicts.length === 0) {
          stats.itemWrites += writes.length;
          partitionItems.set(id, shardWrite.item as FleetRecordsItem);
          deferredRecords.delete(id);
          await writeWindows(chunk.flatMap((d) => d.afterDevice));
          for (const d of chunk) if (d.more) unfinished.push(d.item.deviceId);
          pending = pending.slice(chunk.length);
          attempts = 0;
          continue;
        }
        stats.conflicts += conflicts.length;
        const conflicted = new Set(conflicts.map((i) => owner[i]));
        if (conflicted.has(-1)) stats.shardConflicts += 1;
        // Only the fleet item lost a race: the devices' plans still hold, so the bigger budget applies.
        const budget = conflicted.size === 1 && conflicted.has(-1) ? maxShardAttempts : maxAttempts;
        if (++attempts >= budget)
          throw new WriteConflictError(
            `gave up on fleet counts of ${at.topic}-${at.partition} after ${attempts} cancelled transactions`,
          );
        await sleep(backoffDelay(attempts, shardBackoff));
        if (conflicted.has(-1)) {
          const reread = await partitionItem({ ...at, refresh: true });
          const replanned = records && planner.fleetRecords(id, reread);
          if (replanned) deferredRecords.set(id, replanned);
          else deferredRecords.delete(id);
        }
        const replannedChunk: DevicePlan[] = [];
        for (const [index, d] of chunk.entries()) {
          if (!conflicted.has(index)) {
            replannedChunk.push(d);
            continue;
          }
          const replanned = await replanDevice(d.item.deviceId);
          if (replanned) replannedChunk.push(replanned);
        }
        pending = [...replannedChunk, ...pending.slice(chunk.length)];
      }
    });

    const next: DevicePlan[] = [];
    await forEachLimit(unfinished, concurrency, async (deviceId) => {
      const replanned = await replanDevice(deviceId);
      if (replanned) next.push(replanned);
    });
    return next;
  };

  for (let round = plan.devices; round.length > 0; ) round = await writeDevices(round);
  // Record counts of partitions whose devices, once re-planned, changed no fleet count.
  await writeRecordCounts([...deferredRecords.values()]);
  return stats;
};

/** A device's writes that must commit together: the device, and the window items it closes or passes over. */
const unitWrites = (d: DevicePlan): ConditionalWrite[] => [toWrite(d), ...d.withDevice.map(toWrite)];

/**
 * The longest prefix of devices whose writes fit in one transaction beside their fleet item: at most 100 items and
 * 4 MB (measured as marshalled, with room for the fleet item); at least one device.
 */
export const takeChunk = (pending: readonly DevicePlan[]): DevicePlan[] => {
  let items = 0;
  let bytes = 0;
  let count = 0;
  for (const d of pending) {
    const writes = unitWrites(d);
    items += writes.length;
    bytes += writes.reduce((sum, w) => sum + documentItemBytes(w.item), 0);
    if ((items > ITEMS_PER_TRANSACTION - 1 || bytes > TRANSACTION_BYTES - SHARD_MARGIN_BYTES) && count > 0)
      break;
    count += 1;
  }
  return pending.slice(0, count);
};

const toWrite = (planned: Planned): ConditionalWrite => ({
  item: planned.item,
  expectedVersion: planned.expectedVersion,
});

const describe = (item: StateItem): string => `${item.pk} ${item.sk}`;
