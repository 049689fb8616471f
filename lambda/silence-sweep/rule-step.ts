/**
 * One silence rule's part of a sweep: from its cursor, each presence slot X whose devices can be judged (X + 1 slot
 * is at least N s before how far the pipeline is processed) gives candidates, the devices of X absent from X + 1;
 * each is read (strongly consistent) and judged (judge.ts); a silent one is marked and alerted in one transaction
 * (fire-step.ts). The cursor passes X only when no candidate of X had to wait for its partitions (later slots are
 * judged meanwhile: a stalled partition holds up only its own devices); it is written
 * conditionally, so an overlapping sweep's cursor is never moved back (both judge the same devices; the device's
 * version and the alert's deterministic key make the second a no-op).
 */
import { PRESENCE_SLOT_MS, slotMs, slotOf } from '#core/items/presence.ts';
import type { SilenceRule } from '#core/rules.ts';
import { deviceThrough, latestThrough, type PartitionWatch } from '#core/silence/lag-state.ts';
import type { SweepDeps, SweepItem } from '#core/silence/ports.ts';
import { fireSilent } from './fire-step.ts';
import { cursorKey, type SweepOptions } from './sweep-options.ts';

export interface CursorItem extends SweepItem {
  /** The next presence slot to examine. */
  slot: string;
}

export interface RuleSweepStats {
  slots: number;
  candidates: number;
  fired: number;
  deferred: number;
}

/** The ids of a slot across partitions, read once per sweep whatever the number of rules. */
export class PresenceSlots {
  private readonly slots = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly deps: SweepDeps,
    private readonly topic: string,
    private readonly partitions: readonly number[],
  ) {}

  of(slot: string): Promise<Set<string>> {
    let ids = this.slots.get(slot);
    if (ids === undefined) {
      ids = Promise.all(this.partitions.map((p) => this.deps.store.presence(slot, p, this.topic))).then(
        (lists) => new Set(lists.flat()),
      );
      this.slots.set(slot, ids);
    }
    return ids;
  }
}

export interface RuleContext {
  deps: SweepDeps;
  options: SweepOptions;
  watches: Readonly<Record<string, PartitionWatch>>;
  presence: PresenceSlots;
}

/** Judges the candidates of one slot; returns how many had to wait. */
const sweepSlot = async (
  context: RuleContext,
  rule: SilenceRule,
  slot: string,
  stats: RuleSweepStats,
): Promise<number> => {
  const next = slotOf(slotMs(slot) + PRESENCE_SLOT_MS);
  const [here, after] = await Promise.all([context.presence.of(slot), context.presence.of(next)]);
  const candidates = [...here].filter((id) => !after.has(id));
  stats.candidates += candidates.length;
  if (candidates.length === 0) return 0;
  const devices = await context.deps.store.readDevices(candidates);
  let deferred = 0;
  for (const device of devices.values()) {
    const through = deviceThrough(context.watches, device.offsets);
    const outcome = await fireSilent(context.deps, rule, device, {
      through,
      slotEndMs: slotMs(next),
    });
    if (outcome === 'fired') stats.fired += 1;
    if (outcome === 'defer') deferred += 1;
  }
  return deferred;
};

/** Sweeps one rule from its cursor; a new rule starts at the first slot it can judge (it looks at no history). */
export const sweepRule = async (context: RuleContext, rule: SilenceRule): Promise<RuleSweepStats> => {
  const stats: RuleSweepStats = { slots: 0, candidates: 0, fired: 0, deferred: 0 };
  const through = latestThrough(context.watches);
  if (through === undefined) return stats;
  const n = rule.when.silentForSeconds * 1000;
  // The last slot X with X + 1 slot <= through - N.
  const last = slotOf(through - n - PRESENCE_SLOT_MS);
  const key = cursorKey(context.options.topic, rule.ruleId);
  const cursor = await context.deps.store.readItem<CursorItem>(key);
  let slot = cursor?.slot ?? last;
  let held: string | undefined;
  const maxSlots = context.options.maxSlots ?? 60;
  while (slot <= last && stats.slots < maxSlots) {
    stats.slots += 1;
    const deferred = await sweepSlot(context, rule, slot, stats);
    stats.deferred += deferred;
    // Later slots are still judged (devices of current partitions are not held up), but the cursor stays here.
    if (deferred > 0) held ??= slot;
    slot = slotOf(slotMs(slot) + PRESENCE_SLOT_MS);
  }
  const next = held ?? slot;
  if (next !== cursor?.slot) {
    const item: CursorItem = { ...key, slot: next, version: (cursor?.version ?? 0) + 1 };
    await context.deps.store.putItem(item, cursor?.version ?? null);
  }
  return stats;
};
