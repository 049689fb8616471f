/**
 * The fleet items (`FLEET / RECORDS#<topic>#<partition>`) of the batch's partitions as last written or read here: the
 * base a fleet-count transaction adds its device-count delta to. A key missing here is read before it is used.
 */
import type { BatchPlanner } from '#core/batch/planner.ts';
import type { DevicePlan } from '#core/device.ts';
import { countingPartitionKey } from '#core/fleet-devices.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { fleetItemKey, type ItemKey, itemId } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import { readItem, type WriteContext } from './context.ts';

export class FleetItems {
  readonly #known: Map<string, FleetItem | undefined>;

  /** Starts from the fleet items read for the plan; a partition of the batch not among them was read, and absent. */
  constructor(
    private readonly context: WriteContext,
    read: ReadonlyMap<string, StateItem>,
  ) {
    this.#known = new Map(
      [...read].filter(([, item]) => item.sk.startsWith('RECORDS#')) as [string, FleetItem][],
    );
    for (const { topic, partition } of context.planner.groups.partitions.values()) {
      const id = itemId(fleetItemKey(topic, partition));
      if (!this.#known.has(id)) this.#known.set(id, undefined);
    }
  }

  /** The fleet item as last known here, read when unknown. */
  async get(key: ItemKey): Promise<FleetItem | undefined> {
    const id = itemId(key);
    if (!this.#known.has(id)) await this.refresh(key);
    return this.#known.get(id);
  }

  /** Reads the fleet item again (after a lost race). */
  async refresh(key: ItemKey): Promise<FleetItem | undefined> {
    const fresh = await readItem<FleetItem>(this.context, { pk: key.pk, sk: key.sk });
    this.#known.set(itemId(key), fresh);
    return fresh;
  }

  /** What this invocation just wrote. */
  written(id: string, item: FleetItem): void {
    this.#known.set(id, item);
  }

  /** Another invocation wrote it last: read it again before using it. */
  forget(id: string): void {
    this.#known.delete(id);
  }
}

/** The partition whose fleet item counts a device's change (fleet-devices.ts). */
export const countingKeyOf = (planner: BatchPlanner, d: DevicePlan) =>
  countingPartitionKey(planner.groups.devices.get(d.item.deviceId) ?? []);
