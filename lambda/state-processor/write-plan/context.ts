/**
 * What every step of the write plan shares: the ports, the planner, the limits and the counters. Each step keeps its
 * own state; this holds only what is the same for all of them.
 */

import type { BackoffOptions } from '#adapters/backoff.ts';
import type { BatchPlanner } from '#core/batch/planner.ts';
import { FleetStreamError } from '#core/errors.ts';
import type { ItemKey } from '#core/items/keys.ts';
import { itemId } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { AlertSink, ConditionalWrite, PresenceSink, StateStore } from '#core/ports.ts';

export class WriteConflictError extends FleetStreamError {
  override readonly name = 'WriteConflictError';
}

export interface WriteOptions {
  store: StateStore;
  alerts: AlertSink;
  planner: BatchPlanner;
  /** The items read for the plan (the partitions' fleet items among them are written with device counts). */
  items: ReadonlyMap<string, StateItem>;
  concurrency: number;
  /** The presence index and the batch's processing time (presence-step.ts). @default none written */
  presence?: { sink: PresenceSink; nowMs: number };
  /** Conditional-write attempts per item before giving up (then the batch is retried by Lambda). */
  maxAttempts: number;
  /**
   * Attempts per fleet-count transaction lost only on the partition's fleet item. Only invocations of the same
   * partition share that item (around a rebalance or a timeout); a lost race only means "re-read it and add the same
   * delta again", and some contender wins each round, so a larger budget (with jittered backoff) converges.
   * @default 100
   */
  maxFleetItemAttempts?: number;
  /** Backoff between fleet item attempts. @default 10 ms base, 1 s cap, full jitter, real sleep */
  fleetItemBackoff?: BackoffOptions;
}

export interface WriteStats {
  itemWrites: number;
  transactions: number;
  conflicts: number;
  alerts: number;
  /** Episodes resolved (sent: a resolution already applied counts too). */
  resolves: number;
  /** Fleet-count transactions cancelled because another invocation wrote the partition's fleet item first. */
  fleetItemConflicts: number;
}

/** The shared part of every step. */
export interface WriteContext {
  readonly store: StateStore;
  readonly alerts: AlertSink;
  readonly planner: BatchPlanner;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly stats: WriteStats;
  /** Alerts this attempt has written (deviceId + alertKey): each is sent at most once per attempt. */
  readonly writtenAlerts: Set<string>;
  /** Resolutions this attempt has sent (deviceId + alertKey): each is sent at most once per attempt. */
  readonly writtenResolves: Set<string>;
}

export const createContext = (options: WriteOptions): WriteContext => ({
  store: options.store,
  alerts: options.alerts,
  planner: options.planner,
  concurrency: options.concurrency,
  maxAttempts: options.maxAttempts,
  stats: { itemWrites: 0, transactions: 0, conflicts: 0, alerts: 0, resolves: 0, fleetItemConflicts: 0 },
  writtenAlerts: new Set(),
  writtenResolves: new Set(),
});

/** An item planned for a write, with the version it was planned from (null = it must not exist). */
export interface Planned {
  item: StateItem;
  expectedVersion: number | null;
}

export const toWrite = (planned: Planned): ConditionalWrite => ({
  item: planned.item,
  expectedVersion: planned.expectedVersion,
});

export const describe = (item: StateItem): string => `${item.pk} ${item.sk}`;

/** One item read again, strongly consistent (after a lost condition); undefined = absent. */
export const readItem = async <T extends StateItem>(
  context: WriteContext,
  key: ItemKey,
): Promise<T | undefined> => (await context.store.read([key])).get(itemId(key)) as T | undefined;

/** A transaction, counted. Returns the indexes whose condition failed (empty = committed). */
export const transact = (context: WriteContext, writes: readonly ConditionalWrite[]): Promise<number[]> => {
  context.stats.transactions += 1;
  return context.store.transact(writes);
};
