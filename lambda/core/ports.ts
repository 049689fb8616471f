/**
 * The processor's I/O, as small interfaces: DynamoDB/Firehose adapters implement them in AWS and locally,
 * in-memory fakes implement them in tests.
 */

import type { DeadLetter } from './dead-letter.ts';
import type { AlertItem, AlertResolve } from './items/alert.ts';
import type { ItemKey } from './items/keys.ts';
import type { StateItem } from './items/state-item.ts';
import type { MetricName } from './processor-metrics.ts';
import type { Registry } from './registry.ts';
import type { Rule } from './rules.ts';

/** A Put conditional on the version read (null = the item must not exist). */
export interface ConditionalWrite {
  item: StateItem;
  expectedVersion: number | null;
}

export interface ReadOptions {
  /**
   * false = eventually consistent (half the read units). Safe wherever every item read is written back conditionally
   * on the version read: a stale item only costs a failed condition and a strongly consistent re-read.
   * @default true
   */
  consistent?: boolean;
}

export interface StateStore {
  /** Read of the items that exist, keyed by `itemId(key)`; strongly consistent unless asked otherwise. */
  read(keys: readonly ItemKey[], options?: ReadOptions): Promise<Map<string, StateItem>>;
  /** False when the version condition failed (someone else wrote the item). */
  put(write: ConditionalWrite): Promise<boolean>;
  /** All-or-nothing. Returns the indexes whose version condition failed (empty = committed). */
  transact(writes: readonly ConditionalWrite[]): Promise<number[]>;
}

export interface AlertSink {
  /** Idempotent: an alert already stored (same alertId) is not an error. */
  write(alerts: readonly AlertItem[]): Promise<void>;
  /**
   * Marks each episode resolved at its `endsAt`, only if the alert exists and is not resolved yet (so one change to
   * `resolved` reaches the stream); a failed condition is not an error.
   */
  resolve(resolves: readonly AlertResolve[]): Promise<void>;
}

/** One presence chunk to add to (items/presence.ts). */
export interface PresenceEntry {
  key: ItemKey;
  ids: readonly string[];
  expiresAt: number;
}

export interface PresenceSink {
  /** Adds the ids to each item's set (creating it): a retry only adds what is already there. */
  add(entries: readonly PresenceEntry[]): Promise<void>;
}

export interface DeadLetterSink {
  write(letters: readonly DeadLetter[]): Promise<void>;
}

export interface RulesSource {
  rules(): Promise<Rule[]>;
}

export interface RegistrySource {
  /** Registry rows for these devices (null = the device has none). */
  lookup(deviceIds: readonly string[]): Promise<Map<string, Registry | null>>;
}

export type { Log, LogAttributes } from './log.ts';
export { silentLog } from './log.ts';

export type { MetricName } from './processor-metrics.ts';

export interface ProcessorMetrics {
  add(name: MetricName, value: number): void;
  /** Emits what was added for this invocation (EMF in Lambda). */
  flush(): void;
}
