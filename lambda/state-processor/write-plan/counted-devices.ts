/**
 * Devices whose fleet contribution changes, grouped by their counting partition (fleet-devices.ts): each chunk of them
 * is written in one transaction with that partition's fleet item, which adds their device-count delta (and, the first
 * time, carries the partition's held-back record counts). On a cancelled transaction only the lost parts are
 * re-planned: the fleet item re-read (its delta is simply added again), the conflicting devices re-read and
 * re-planned. A race lost on the fleet item alone gets the larger budget, with jittered backoff.
 */
import { type BackoffOptions, backoffDelay } from '#adapters/backoff.ts';
import type { DevicePlan } from '#core/device.ts';
import { accumulateDelta, applyFleetDelta, emptyDelta } from '#core/fleet-devices.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { itemId } from '#core/items/keys.ts';
import type { ConditionalWrite } from '#core/ports.ts';
import { writeAlerts } from './alerts-step.ts';
import { transact, WriteConflictError, type WriteContext } from './context.ts';
import { replanDevice } from './device-replan.ts';
import type { countingKeyOf, FleetItems } from './fleet-items.ts';
import type { RoundOutcome } from './plain-devices.ts';
import type { RecordCounts } from './record-counts-step.ts';
import { takeChunk, unitWrites } from './transaction-chunk.ts';
import { writeWindows } from './windows-step.ts';

export type CountingKey = ReturnType<typeof countingKeyOf>;

/** Retries of a fleet-count transaction lost on the fleet item alone. */
export interface FleetItemRetry {
  maxAttempts: number;
  backoff: BackoffOptions;
  sleep: (ms: number) => Promise<void>;
}

/** What the fleet-count transactions of one round share with the other steps. */
export interface CountedShared {
  fleetItems: FleetItems;
  recordCounts: RecordCounts;
  retry: FleetItemRetry;
  round: RoundOutcome;
}

/** Whose write an item of a fleet-count transaction is: a device of the chunk (its index) or the fleet item. */
type WriteOwner = { kind: 'device'; index: number } | { kind: 'fleet-item' };

/** The parts of a cancelled transaction whose condition failed. */
interface Lost {
  fleetItem: boolean;
  /** Indexes of the chunk's devices. */
  devices: Set<number>;
}

const lostParts = (conflicts: readonly number[], owners: readonly WriteOwner[]): Lost => {
  const lost: Lost = { fleetItem: false, devices: new Set() };
  for (const owner of conflicts.map((i) => owners[i]))
    if (owner?.kind === 'fleet-item') lost.fleetItem = true;
    else if (owner) lost.devices.add(owner.index);
  return lost;
};

/** The chunk's device units, then the fleet item, each with its owner. */
const chunkWrites = (chunk: readonly DevicePlan[], fleetWrite: ConditionalWrite) => {
  const writes: ConditionalWrite[] = [];
  const owners: WriteOwner[] = [];
  for (const [index, d] of chunk.entries())
    for (const write of unitWrites(d)) {
      writes.push(write);
      owners.push({ kind: 'device', index });
    }
  writes.push(fleetWrite);
  owners.push({ kind: 'fleet-item' });
  return { writes, owners };
};

/** The fleet-count transactions of one counting partition, chunk after chunk until its devices are written. */
export class CountedPartition {
  readonly #id: string;
  #pending: DevicePlan[];
  /** Cancelled transactions in a row. */
  #attempts = 0;

  constructor(
    private readonly context: WriteContext,
    private readonly shared: CountedShared,
    private readonly at: CountingKey,
    devices: DevicePlan[],
  ) {
    this.#id = itemId(at);
    this.#pending = devices;
  }

  async write(): Promise<void> {
    while (this.#pending.length > 0) await this.#attempt();
  }

  async #attempt(): Promise<void> {
    // The record counts planned for this partition ride in its first transaction, on the version they were planned
    // from.
    const records = this.shared.recordCounts.deferred(this.#id);
    const current = records
      ? { ...records.item, version: records.expectedVersion ?? 0 }
      : await this.shared.fleetItems.get(this.at);
    const expectedVersion = records ? records.expectedVersion : (current?.version ?? null);
    const chunk = takeChunk(this.#pending);
    const delta = emptyDelta();
    for (const d of chunk) accumulateDelta(delta, d.before, d.after);
    const fleetWrite = { item: applyFleetDelta(this.at, current, delta), expectedVersion };
    const { writes, owners } = chunkWrites(chunk, fleetWrite);
    await writeAlerts(this.context, chunk);
    const conflicts = await transact(this.context, writes);
    if (conflicts.length === 0) await this.#committed(chunk, writes.length, fleetWrite.item);
    else await this.#cancelled(chunk, conflicts.length, lostParts(conflicts, owners));
  }

  async #committed(chunk: readonly DevicePlan[], itemWrites: number, fleetItem: FleetItem): Promise<void> {
    this.context.stats.itemWrites += itemWrites;
    this.shared.fleetItems.written(this.#id, fleetItem);
    this.shared.recordCounts.settled(this.#id);
    await writeWindows(
      this.context,
      chunk.flatMap((d) => d.afterDevice),
    );
    for (const d of chunk) if (d.more) this.shared.round.unfinished.push(d.item.deviceId);
    this.#pending = this.#pending.slice(chunk.length);
    this.#attempts = 0;
  }

  async #cancelled(chunk: readonly DevicePlan[], conflicts: number, lost: Lost): Promise<void> {
    const { stats, maxAttempts } = this.context;
    const { retry } = this.shared;
    stats.conflicts += conflicts;
    if (lost.fleetItem) stats.fleetItemConflicts += 1;
    // Only the fleet item lost a race: the devices' plans still hold, so the bigger budget applies.
    const budget = lost.fleetItem && lost.devices.size === 0 ? retry.maxAttempts : maxAttempts;
    if (++this.#attempts >= budget)
      throw new WriteConflictError(
        `gave up on fleet counts of ${this.at.topic}-${this.at.partition} after ${this.#attempts} cancelled transactions`,
      );
    await retry.sleep(backoffDelay(this.#attempts, retry.backoff));
    if (lost.fleetItem)
      this.shared.recordCounts.replan(this.#id, await this.shared.fleetItems.refresh(this.at));
    const replannedChunk: DevicePlan[] = [];
    for (const [index, d] of chunk.entries()) {
      if (!lost.devices.has(index)) {
        replannedChunk.push(d);
        continue;
      }
      const replanned = await replanDevice(this.context, d.item.deviceId);
      if (replanned) replannedChunk.push(replanned);
    }
    this.#pending = [...replannedChunk, ...this.#pending.slice(chunk.length)];
  }
}

/** The counted devices of a round, by the fleet item that counts them. */
export const byCountingPartition = (
  counted: readonly DevicePlan[],
  keyOf: (d: DevicePlan) => CountingKey,
): { at: CountingKey; devices: DevicePlan[] }[] => {
  const groups = new Map<string, { at: CountingKey; devices: DevicePlan[] }>();
  for (const d of counted) {
    const at = keyOf(d);
    const group = groups.get(itemId(at)) ?? { at, devices: [] };
    group.devices.push(d);
    groups.set(itemId(at), group);
  }
  return [...groups.values()];
};
