/**
 * Step 2: the record counts of each partition's fleet item. A partition whose devices change the fleet counts writes
 * its record counts in its first fleet-count transaction (the item is written there anyway: device-rounds step); the
 * others are written now. Those still held back when the devices are done (their devices, once re-planned, changed
 * no count) are written at the end.
 */

import { forEachLimit } from '#core/concurrency.ts';
import type { DevicePlan } from '#core/device.ts';
import { sameContribution } from '#core/fleet-devices.ts';
import type { FleetRecordsPlan } from '#core/fleet-records.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { itemId } from '#core/items/keys.ts';
import type { WriteContext } from './context.ts';
import { putConverging } from './converge.ts';
import { countingKeyOf, type FleetItems } from './fleet-items.ts';

export class RecordCounts {
  /** fleet item id → record counts riding in the partition's first fleet-count transaction. */
  readonly #deferred: Map<string, FleetRecordsPlan>;
  readonly #now: FleetRecordsPlan[];

  constructor(
    private readonly context: WriteContext,
    private readonly fleetItems: FleetItems,
    plan: { fleetRecords: readonly FleetRecordsPlan[]; devices: readonly DevicePlan[] },
  ) {
    const counting = new Set(
      plan.devices
        .filter((d) => !sameContribution(d.before, d.after))
        .map((d) => itemId(countingKeyOf(context.planner, d))),
    );
    this.#deferred = new Map(
      plan.fleetRecords.filter((p) => counting.has(itemId(p.item))).map((p) => [itemId(p.item), p]),
    );
    this.#now = plan.fleetRecords.filter((p) => !this.#deferred.has(itemId(p.item)));
  }

  /** The record counts of partitions no device count goes through. */
  writeNow(): Promise<void> {
    return this.#write(this.#now);
  }

  /** Those held back whose partition had no fleet-count transaction after all. */
  writeLeftOver(): Promise<void> {
    return this.#write([...this.#deferred.values()]);
  }

  /** The record counts still to ride in this fleet item's next transaction, if any. */
  deferred(id: string): FleetRecordsPlan | undefined {
    return this.#deferred.get(id);
  }

  /** Written in a fleet-count transaction. */
  settled(id: string): void {
    this.#deferred.delete(id);
  }

  /** The fleet item was written by another invocation: plan the held-back counts again from it. */
  replan(id: string, current: FleetItem | undefined): void {
    const replanned = this.#deferred.has(id) && this.context.planner.fleetRecords(id, current);
    if (replanned) this.#deferred.set(id, replanned);
    else this.#deferred.delete(id);
  }

  #write(plans: readonly FleetRecordsPlan[]): Promise<void> {
    return forEachLimit(plans, this.context.concurrency, async (planned) => {
      const id = itemId(planned.item);
      const written = await putConverging(this.context, planned, (current) =>
        this.context.planner.fleetRecords(id, current as FleetItem | undefined),
      );
      if (written === null) this.fleetItems.forget(id);
      else this.fleetItems.written(id, written as FleetItem);
    });
  }
}
