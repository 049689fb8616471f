/**
 * The silence sweep's I/O (docs/DATA_MODEL.md "Silence sweep"): the state table (presence index, device items, the
 * sweep's own items), the alerts table, the processor's consumer-group lag and the rules. DynamoDB and kafkajs
 * adapters implement them in AWS and locally; in-memory fakes in tests.
 */
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { ItemKey } from '#core/items/keys.ts';
import type { Log, RulesSource } from '#core/ports.ts';

/** Where the processor's consumer group stands on one partition (offsets as Kafka counts them). */
export interface PartitionLag {
  readonly partition: number;
  /** The next offset the group reads (its committed offset; the partition's start when it never committed). */
  readonly committed: number;
  /** The partition's end (high watermark). */
  readonly end: number;
}

export interface LagSource {
  /** Every partition of the processor's topic, with the group's committed offset and the end offset. */
  lag(): Promise<PartitionLag[]>;
}

/** An item the sweep keeps for itself in the state table (its cursor per rule, its lag state). */
export interface SweepItem extends ItemKey {
  version: number;
}

/** What firing a silence alert did. */
export type FireOutcome = 'fired' | 'device-changed' | 'alert-exists';

export interface SweepStore {
  /** Strongly consistent read of one of the sweep's items. */
  readItem<T extends SweepItem>(key: ItemKey): Promise<T | undefined>;
  /** Put conditional on the version read (null = must not exist); false when another sweep wrote it first. */
  putItem(item: SweepItem, expectedVersion: number | null): Promise<boolean>;
  /** The device ids of a slot's presence items of one partition (every chunk of `topic`). */
  presence(slot: string, partition: number, topic: string): Promise<string[]>;
  /** Strongly consistent read of device items (absent ones are missing from the map). */
  readDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceItem>>;
  /**
   * One transaction: the device item marked (conditional on `expectedVersion`) and the alert (conditional on not
   * existing). 'device-changed' = the device was written since it was read; 'alert-exists' = the alert is stored.
   */
  fire(marked: DeviceItem, expectedVersion: number, alert: AlertItem): Promise<FireOutcome>;
  /** The device item marked alone (conditional on `expectedVersion`); false = written since it was read. */
  mark(marked: DeviceItem, expectedVersion: number): Promise<boolean>;
  /** Put unless an alert with this key exists. */
  putAlert(alert: AlertItem): Promise<void>;
  /** Resolves a firing alert (`state = resolved`, `endsAt`); nothing when it is resolved or absent. */
  resolveAlert(key: { deviceId: string; alertKey: string }, endsAt: string): Promise<void>;
}

export interface SweepDeps {
  readonly store: SweepStore;
  readonly lag: LagSource;
  readonly rules: RulesSource;
  readonly log: Log;
  /** Epoch ms. @default Date.now */
  readonly clock?: () => number;
  /** Waits (tests inject). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}
