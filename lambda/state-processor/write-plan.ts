/**
 * Writes a batch plan in the order that keeps retries convergent (docs/DATA_MODEL.md), as named steps:
 * 0. the presence index of the devices written in a new processing minute (`presence-step.ts`), before any device;
 * 1. record counts of each partition's fleet item (`record-counts-step.ts`), except those that ride in the
 *    partition's first fleet-count transaction;
 * 2. late windows (`windows-step.ts`);
 * 3. device rounds (`device-rounds-step.ts`): plain devices alone (`plain-devices.ts`), devices whose fleet
 *    contribution changes in transactions with their counting partition's fleet item (`counted-devices.ts`), chunked
 *    by items and bytes (`transaction-chunk.ts`), each device's alerts written right before it (`alerts-step.ts`); then
 *    the record counts still held back.
 * Every write is conditional on the version of each item it was planned from, so concurrent invocations of the same
 * partition stay exact; on a conflict the item is re-read and re-planned from the same records (the watermarks drop
 * what is already folded), a bounded number of times (`converge.ts`).
 */
import type { BatchPlan } from '#core/batch/plan.ts';
import { createContext, type WriteOptions, type WriteStats } from './write-plan/context.ts';
import { writeDeviceRounds } from './write-plan/device-rounds-step.ts';
import { FleetItems } from './write-plan/fleet-items.ts';
import { presenceEntries, writePresence } from './write-plan/presence-step.ts';
import { RecordCounts } from './write-plan/record-counts-step.ts';
import { writeWindows } from './write-plan/windows-step.ts';

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const writePlan = async (plan: BatchPlan, options: WriteOptions): Promise<WriteStats> => {
  const context = createContext(options);
  const backoff = { baseMs: 10, maxMs: 1_000, ...options.fleetItemBackoff };
  const retry = {
    maxAttempts: options.maxFleetItemAttempts ?? 100,
    backoff,
    sleep: backoff.sleep ?? sleepFor,
  };

  const fleetItems = new FleetItems(context, options.items);
  const recordCounts = new RecordCounts(context, fleetItems, plan);
  if (options.presence)
    await writePresence(
      options.presence.sink,
      presenceEntries(options.planner.groups, plan, options.items, options.presence.nowMs),
    );
  await recordCounts.writeNow();
  await writeWindows(context, plan.windows);
  await writeDeviceRounds(context, { fleetItems, recordCounts, retry }, plan.devices);
  // Record counts of partitions whose devices, once re-planned, changed no fleet count.
  await recordCounts.writeLeftOver();
  return context.stats;
};
