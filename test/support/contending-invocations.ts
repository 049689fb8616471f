/**
 * Several invocations of the state processor consuming the same partitions at once (Lambda does this around a
 * rebalance or a timeout): each takes batches from the committed offsets with its own boundaries.
 */

import type { SourceRecord } from '#core/msk-event.ts';
import type { StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { memoryProcessor } from './memory-processor.ts';
import { type MemoryAlertSink, staticRules } from './memory-state.ts';

/** One batch, per partition: records behind the committed offset re-read, and records taken after it. */
export type Step = readonly { back: number; take: number }[];

/** A processor meant to contend: enough write attempts to win every race, and no real timer between fleet item attempts. */
export const contendingProcessor = (
  store: StateStore,
  alerts: MemoryAlertSink,
  rules: Rule[],
  nowMs: number,
) =>
  memoryProcessor({
    store,
    alerts,
    rules: staticRules(rules),
    clock: () => nowMs,
    maxWriteAttempts: 1_000,
    // Backoff between fleet item attempts would be a real timer, outside the scheduler.
    fleetItemBackoff: { sleep: async () => {} },
  });

/**
 * Hands each step's batch to `process` and, when it went through (true), moves `committed` (one offset per
 * partition, shared by all invocations) past what the batch took. Empty batches are skipped.
 */
export const consumeSteps = async (
  logs: readonly SourceRecord[][],
  committed: number[],
  steps: readonly Step[],
  process: (batch: SourceRecord[]) => Promise<boolean>,
): Promise<void> => {
  for (const step of steps) {
    const ends: number[] = [];
    const batch = logs.flatMap((log, p) => {
      const from = committed[p] as number;
      const { back, take } = step[p] as Step[number];
      ends[p] = Math.min(log.length, from + take);
      return log.slice(Math.max(0, from - back), ends[p]);
    });
    if (batch.length === 0) continue;
    if (!(await process(batch))) continue;
    ends.forEach((end, p) => {
      committed[p] = Math.max(committed[p] as number, end);
    });
  }
};

/** What no invocation committed, for one more invocation to drain. */
export const uncommitted = (logs: readonly SourceRecord[][], committed: readonly number[]): SourceRecord[] =>
  logs.flatMap((log, p) => log.slice(committed[p]));
