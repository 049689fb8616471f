/**
 * The silence sweep (docs/DATA_MODEL.md "Silence sweep"), independent of where it runs (a scheduled Lambda in AWS, a
 * timer in the local runtime): the stall guard (stall-step.ts), then each enabled silence rule from its cursor
 * (rule-step.ts). Safe to run twice at once or again after a failure: every write is conditional.
 */
import { isSilenceRule } from '#core/rules.ts';
import { stalledPartitions } from '#core/silence/lag-state.ts';
import type { SweepDeps } from '#core/silence/ports.ts';
import { PresenceSlots, type RuleSweepStats, sweepRule } from './rule-step.ts';
import { stallStep } from './stall-step.ts';
import type { SweepOptions } from './sweep-options.ts';

export interface SweepSummary {
  /** False when an overlapping sweep held the lag state: this one did nothing. */
  ran: boolean;
  rules: number;
  stalledPartitions: number;
  totals: RuleSweepStats;
}

export const sweepOnce = async (deps: SweepDeps, options: SweepOptions): Promise<SweepSummary> => {
  const now = (deps.clock ?? Date.now)();
  const totals: RuleSweepStats = { slots: 0, candidates: 0, fired: 0, deferred: 0 };
  const watches = await stallStep(deps, options, now);
  if (watches === undefined) return { ran: false, rules: 0, stalledPartitions: 0, totals };
  const rules = (await deps.rules.rules()).filter((r) => r.enabled).filter(isSilenceRule);
  const partitions = Object.keys(watches).map(Number);
  const context = { deps, options, watches, presence: new PresenceSlots(deps, options.topic, partitions) };
  for (const rule of rules) {
    const stats = await sweepRule(context, rule);
    totals.slots += stats.slots;
    totals.candidates += stats.candidates;
    totals.fired += stats.fired;
    totals.deferred += stats.deferred;
  }
  const stalled = stalledPartitions(watches, now, options.stallAfterMs).length;
  return { ran: true, rules: rules.length, stalledPartitions: stalled, totals };
};
