/**
 * One silence rule's part of a sweep: from its cursor, each presence minute X whose devices can be judged (X + 1 min
 * is at least N s before how far the pipeline is processed) gives candidates, the devices of X absent from X + 1;
 * each is read (strongly consistent) and judged (judge.ts); a silent one is marked and alerted in one transaction
 * (fire-step.ts). The cursor passes X only when no candidate of X had to wait for its partitions (later minutes are
 * judged meanwhile: a stalled partition holds up only its own devices); it is written
 * conditionally, so an overlapping sweep's cursor is never moved back (both judge the same devices; the device's
 * version and the alert's deterministic key make the second a no-op).
 */
import { MINUTE_MS, minuteMs, minuteOf } from '#core/items/presence.ts';
import type { SilenceRule } from '#core/rules.ts';
import { deviceThrough, latestThrough, type PartitionWatch } from '#core/silence/lag-state.ts';
import type { SweepDeps, SweepItem } from '#core/silence/ports.ts';
import { fireSilent } from './fire-step.ts';
import { cursorKey, type SweepOptions } from './sweep-options.ts';

export interface CursorItem extends SweepItem {
  /** The next presence minute to examine. */
  minute: string;
}

export interface RuleSweepStats {
  minutes: number;
  candidates: number;
  fired: number;
  deferred: number;
}

/** The ids of a minute across partitions, read once per sweep whatever the number of rules. */
export class PresenceMinutes {
  private readonly minutes = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly deps: SweepDeps,
    private readonly topic: string,
    private readonly partitions: readonly number[],
  ) {}

  of(minute: string): Promise<Set<string>> {
    let ids = this.minutes.get(minute);
    if (ids === undefined) {
      ids = Promise.all(this.partitions.map((p) => this.deps.store.presence(minute, p, this.topic))).then(
        (lists) => new Set(lists.flat()),
      );
      this.minutes.set(minute, ids);
    }
    return ids;
  }
}

export interface RuleContext {
  deps: SweepDeps;
  options: SweepOptions;
  watches: Readonly<Record<string, PartitionWatch>>;
  presence: PresenceMinutes;
}

/** Judges the candidates of one minute; returns how many had to wait. */
const sweepMinute = async (
  context: RuleContext,
  rule: SilenceRule,
  minute: string,
  stats: RuleSweepStats,
): Promise<number> => {
  const next = minuteOf(minuteMs(minute) + MINUTE_MS);
  const [here, after] = await Promise.all([context.presence.of(minute), context.presence.of(next)]);
  const candidates = [...here].filter((id) => !after.has(id));
  stats.candidates += candidates.length;
  if (candidates.length === 0) return 0;
  const devices = await context.deps.store.readDevices(candidates);
  let deferred = 0;
  for (const device of devices.values()) {
    const through = deviceThrough(context.watches, device.offsets);
    const outcome = await fireSilent(context.deps, rule, device, {
      through,
      minuteEndMs: minuteMs(next),
    });
    if (outcome === 'fired') stats.fired += 1;
    if (outcome === 'defer') deferred += 1;
  }
  return deferred;
};

/** Sweeps one rule from its cursor; a new rule starts at the first minute it can judge (it looks at no history). */
export const sweepRule = async (context: RuleContext, rule: SilenceRule): Promise<RuleSweepStats> => {
  const stats: RuleSweepStats = { minutes: 0, candidates: 0, fired: 0, deferred: 0 };
  const through = latestThrough(context.watches);
  if (through === undefined) return stats;
  const n = rule.when.silentForSeconds * 1000;
  // The last minute X with X + 1 min <= through - N.
  const last = minuteOf(through - n - MINUTE_MS);
  const key = cursorKey(context.options.topic, rule.ruleId);
  const cursor = await context.deps.store.readItem<CursorItem>(key);
  let minute = cursor?.minute ?? last;
  let held: string | undefined;
  const maxMinutes = context.options.maxMinutes ?? 30;
  while (minute <= last && stats.minutes < maxMinutes) {
    stats.minutes += 1;
    const deferred = await sweepMinute(context, rule, minute, stats);
    stats.deferred += deferred;
    // Later minutes are still judged (devices of current partitions are not held up), but the cursor stays here.
    if (deferred > 0) held ??= minute;
    minute = minuteOf(minuteMs(minute) + MINUTE_MS);
  }
  const next = held ?? minute;
  if (next !== cursor?.minute) {
    const item: CursorItem = { ...key, minute: next, version: (cursor?.version ?? 0) + 1 };
    await context.deps.store.putItem(item, cursor?.version ?? null);
  }
  return stats;
};
