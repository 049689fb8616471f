/**
 * The write-unit floor of a run, from the events of its workload at its batch boundaries (docs/SCALING.md "Floors"):
 * what any design serving FleetStream's contract must write, and what DynamoDB adds when those writes must be atomic.
 *
 * Events are counted from the items the processor wrote (unit-split.ts), each one an event of the workload: a device
 * in a batch (its state must be written), a new device, a status change between batches, a minute closed, a late
 * minute, an alert, a partition in a batch (its record counts), and a batch-partition whose devices changed the
 * fleet counts. Every item here is under 1 KB (`itemBytes` in the results), so each write is one unit.
 */

export interface FloorEvents {
  /** (device, batch) pairs: the device item written once per batch that holds its records. */
  deviceBatches: number;
  /** Devices seen for the first time: their byStatus and byModel index entries. */
  newDevices: number;
  /** A device whose status at the end of a batch differs from the one before: its byStatus entry moves. */
  statusChanges: number;
  /** Minutes a batch closed or passed over: a window item each. */
  closedMinutes: number;
  /** Of those, the ones committed in their device's transaction (passed over, or merged with an older item). */
  closedInTransactions: number;
  /** Window items of late minutes (before the device's open one), written on their own. */
  lateMinutes: number;
  /** Alerts raised: the alert item and its byDay index entry. */
  alerts: number;
  /** (partition, batch) pairs: the partition's record counts. */
  partitionBatches: number;
  /** Device writes that had to be atomic with another item: it passed over minutes or changed the fleet counts. */
  atomicDevices: number;
  /** Fleet counters written with such devices (one per counting partition per batch, more when >99 devices). */
  counterWrites: number;
  /** Of those, the ones that also carried the partition's record counts (already in the strict floor once). */
  counterWritesWithRecords: number;
}

export const emptyEvents = (): FloorEvents => ({
  deviceBatches: 0,
  newDevices: 0,
  statusChanges: 0,
  closedMinutes: 0,
  closedInTransactions: 0,
  lateMinutes: 0,
  alerts: 0,
  partitionBatches: 0,
  atomicDevices: 0,
  counterWrites: 0,
  counterWritesWithRecords: 0,
});

export interface Floors {
  /** Every item the contract needs written, once, as a plain write, plus its index entries. */
  strict: number;
  /**
   * `strict` plus what DynamoDB bills for the moves exactly-once needs atomic (an item in a transaction costs twice):
   * a device whose fleet contribution changes, with its counter, and a device with the minutes it passes over (a
   * minute closed alone goes through the device's closed window: two plain writes).
   */
  exactlyOnce: number;
}

export const floors = (e: FloorEvents): Floors => {
  const strict =
    e.deviceBatches +
    e.closedMinutes +
    e.lateMinutes +
    e.partitionBatches +
    2 * e.newDevices +
    2 * e.statusChanges +
    2 * e.alerts;
  const counterOnly = e.counterWrites - e.counterWritesWithRecords;
  const atomic = e.atomicDevices + e.closedInTransactions + e.counterWritesWithRecords + 2 * counterOnly;
  return { strict, exactlyOnce: strict + atomic };
};
