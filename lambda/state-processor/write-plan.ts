/**
 * Writes a batch plan in the order that keeps retries convergent (docs/DATA_MODEL.md): alerts → fleet record
 * shards → windows → devices. Every write is conditional on the version read; on a conflict the item is re-read
 * and re-planned from the same records (the watermark drops what is already folded), a bounded number of times.
 * Devices whose fleet contribution changes go in transactions with their fleet-devices shard, grouped per shard.
 */
import { type BatchPlan, type BatchPlanner, itemId, type StateItem } from '#core/batch.ts';
import { forEachLimit } from '#core/concurrency.ts';
import type { DevicePlan } from '#core/device.ts';
import { accumulateDelta, applyFleetDelta, emptyDelta, sameContribution } from '#core/fleet-devices.ts';
import {
  type DeviceItem,
  deviceKey,
  type FleetDevicesItem,
  fleetDeviceShard,
  fleetDevicesKey,
  type ItemKey,
} from '#core/items.ts';
import type { AlertSink, ConditionalWrite, StateStore } from './ports.ts';

/** DynamoDB allows 100 items per transaction: 99 devices + their shard. */
const DEVICES_PER_TRANSACTION = 99;

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
}

export interface WriteStats {
  itemWrites: number;
  transactions: number;
  conflicts: number;
  alerts: number;
}

interface Planned {
  item: StateItem;
  expectedVersion: number | null;
}

export const writePlan = async (plan: BatchPlan, options: WriteOptions): Promise<WriteStats> => {
  const { store, planner, concurrency, maxAttempts } = options;
  const stats: WriteStats = { itemWrites: 0, transactions: 0, conflicts: 0, alerts: 0 };

  const writeAlerts = async (alerts: DevicePlan['alerts']) => {
    if (alerts.length === 0) return;
    await options.alerts.write(alerts);
    stats.alerts += alerts.length;
  };

  const reread = async <T extends StateItem>(key: ItemKey): Promise<T | undefined> =>
    (await store.read([key])).get(itemId(key)) as T | undefined;

  /** Conditional put; on conflict re-read and re-plan until written or nothing is left to fold. */
  const putConverging = async <T extends Planned>(
    first: T,
    replan: (current: StateItem | undefined) => Promise<T | null>,
  ): Promise<void> => {
    let write: T | null = first;
    for (let attempt = 1; write !== null; attempt++) {
      if (await store.put(toWrite(write))) {
        stats.itemWrites += 1;
        return;
      }
      stats.conflicts += 1;
      if (attempt >= maxAttempts)
        throw new WriteConflictError(`gave up on ${describe(write.item)} after ${attempt} conflicts`);
      write = await replan(await reread(write.item));
    }
  };

  await writeAlerts(plan.alerts);

  await forEachLimit(plan.fleetRecords, concurrency, (planned) =>
    putConverging(planned, async (current) =>
      planner.fleetRecords(itemId(planned.item), current as typeof planned.item | undefined),
    ),
  );
  await forEachLimit(plan.windows, concurrency, (planned) =>
    putConverging(planned, async (current) =>
      planner.window(itemId(planned.item), current as typeof planned.item),
    ),
  );

  // Devices: a plain conditional put when the fleet contribution is unchanged, else a shard transaction.
  const transactional: DevicePlan[] = [];
  const replanDevice = async (
    deviceId: string,
    current: StateItem | undefined,
  ): Promise<DevicePlan | null> => {
    const replanned = planner.device(deviceId, current as DeviceItem | undefined);
    if (replanned) await writeAlerts(replanned.alerts);
    return replanned;
  };
  const plain = plan.devices.filter((d) => {
    if (sameContribution(d.before, d.after)) return true;
    transactional.push(d);
    return false;
  });
  await forEachLimit(plain, concurrency, (planned) =>
    putConverging(planned, async (current) => {
      const replanned = await replanDevice(planned.item.deviceId, current);
      if (replanned && !sameContribution(replanned.before, replanned.after)) {
        transactional.push(replanned);
        return null;
      }
      return replanned;
    }),
  );

  const byShard = new Map<number, DevicePlan[]>();
  for (const d of transactional) {
    const shard = fleetDeviceShard(d.item.deviceId);
    byShard.set(shard, [...(byShard.get(shard) ?? []), d]);
  }
  await forEachLimit([...byShard], concurrency, async ([shard, devices]) => {
    let shardItem = options.items.get(itemId(fleetDevicesKey(shard))) as FleetDevicesItem | undefined;
    let pending = devices;
    let attempts = 0;
    while (pending.length > 0) {
      const chunk = pending.slice(0, DEVICES_PER_TRANSACTION);
      const delta = emptyDelta();
      for (const d of chunk) accumulateDelta(delta, d.before, d.after);
      const shardWrite: ConditionalWrite = {
        item: applyFleetDelta(shard, shardItem, delta),
        expectedVersion: shardItem?.version ?? null,
      };
      const conflicts = await store.transact([...chunk.map(toWrite), shardWrite]);
      stats.transactions += 1;
      if (conflicts.length === 0) {
        stats.itemWrites += chunk.length + 1;
        shardItem = shardWrite.item as FleetDevicesItem;
        pending = pending.slice(chunk.length);
        attempts = 0;
        continue;
      }
      stats.conflicts += conflicts.length;
      if (++attempts >= maxAttempts)
        throw new WriteConflictError(
          `gave up on fleet devices shard ${shard} after ${attempts} cancelled transactions`,
        );
      const conflicted = new Set(conflicts);
      const keys = conflicts.map((i) =>
        i === chunk.length ? fleetDevicesKey(shard) : deviceKey(chunkAt(chunk, i)),
      );
      const fresh = await store.read(keys);
      if (conflicted.has(chunk.length))
        shardItem = fresh.get(itemId(fleetDevicesKey(shard))) as FleetDevicesItem;
      const replannedChunk: DevicePlan[] = [];
      for (const [index, d] of chunk.entries()) {
        if (!conflicted.has(index)) {
          replannedChunk.push(d);
          continue;
        }
        const replanned = await replanDevice(d.item.deviceId, fresh.get(itemId(deviceKey(d.item.deviceId))));
        if (replanned) replannedChunk.push(replanned);
      }
      pending = [...replannedChunk, ...pending.slice(chunk.length)];
    }
  });
  return stats;
};

const toWrite = (planned: Planned): ConditionalWrite => ({
  item: planned.item,
  expectedVersion: planned.expectedVersion,
});

const chunkAt = (chunk: readonly DevicePlan[], index: number): string => {
  const d = chunk[index];
  if (d === undefined) throw new Error(`transaction reported a conflict at unknown index ${index}`);
  return d.item.deviceId;
};

const describe = (item: StateItem): string => `${item.pk} ${item.sk}`;
