/**
 * The stall guard's memory (docs/DATA_MODEL.md "Stall guard"): per partition of the processor's topic, the latest
 * time `through` such that every record appended before it has been processed (the group's committed offset reached
 * the end offset observed then), and the ends observed since that the group has not reached yet. A device is judged
 * only against the `through` of its partitions: "no record processed for N s" then means "nothing appended in the N s
 * before `through`", never "nothing processed because the processor stood still". Pure.
 */
import { nullMap } from '#core/data-map.ts';
import type { PartitionLag, SweepItem } from './ports.ts';

/** Observed ends kept per partition while the group is behind them (the oldest are dropped: only delays `through`). */
export const MAX_PENDING_ENDS = 64;

export interface PartitionWatch {
  /** Epoch ms through which the partition is processed; absent until the group first reached an observed end. */
  through?: number;
  /** [epoch ms observed, end offset then], oldest first, each beyond the committed offset when last seen. */
  pending: Array<[number, number]>;
  /** Epoch ms the partition was first watched. */
  since: number;
}

/** One pipeline-stalled episode: its alert, and when it began. */
export interface StallEpisode {
  deviceId: string;
  alertKey: string;
  since: number;
}

export interface LagStateItem extends SweepItem {
  partitions: Record<string, PartitionWatch>;
  /** The open stall episode. */
  stall?: StallEpisode;
  /** A closed episode whose alert may still need its resolution written. */
  resolving?: StallEpisode;
}

/** The watches after observing `lag` at `now` (ends as observed at `now`, committed as read last). */
export const observe = (
  previous: Readonly<Record<string, PartitionWatch>> | undefined,
  lag: readonly PartitionLag[],
  now: number,
): Record<string, PartitionWatch> => {
  const next = nullMap<PartitionWatch>();
  for (const p of lag) {
    const key = String(p.partition);
    const prev = previous?.[key];
    let through = prev?.through;
    const pending: Array<[number, number]> = [];
    for (const [at, end] of [...(prev?.pending ?? []), [now, p.end] as [number, number]]) {
      if (p.committed >= end) through = Math.max(through ?? at, at);
      else pending.push([at, end]);
    }
    next[key] = {
      ...(through !== undefined ? { through } : {}),
      pending: pending.slice(-MAX_PENDING_ENDS),
      since: prev?.since ?? now,
    };
  }
  return next;
};

/** Partitions processed through nothing later than `now - stallAfterMs` (never caught up: since first watched). */
export const stalledPartitions = (
  watches: Readonly<Record<string, PartitionWatch>>,
  now: number,
  stallAfterMs: number,
): number[] =>
  Object.entries(watches)
    .filter(([, w]) => now - (w.through ?? w.since) > stallAfterMs)
    .map(([p]) => Number(p))
    .sort((a, b) => a - b);

/** The latest `through` of any partition (how far the sweep may look at all); undefined when none has one. */
export const latestThrough = (watches: Readonly<Record<string, PartitionWatch>>): number | undefined => {
  const all = Object.values(watches).flatMap((w) => (w.through === undefined ? [] : [w.through]));
  return all.length === 0 ? undefined : Math.max(...all);
};

/**
 * How far a device's partitions are processed: the smallest `through` among the partitions in its watermarks (its
 * `offsets` keys: a partition number, or `<topic>-<partition>` on items written before incarnations). Undefined when
 * one of them has none. A device whose watermarks name no watched partition is held to every partition.
 */
export const deviceThrough = (
  watches: Readonly<Record<string, PartitionWatch>>,
  offsets: Readonly<Record<string, number>>,
): number | undefined => {
  const partitions = Object.keys(offsets)
    .map((key) => /(?:^|-)(\d+)$/.exec(key)?.[1])
    .filter((p): p is string => p !== undefined && Object.hasOwn(watches, p));
  const held = partitions.length > 0 ? partitions : Object.keys(watches);
  let through = Number.POSITIVE_INFINITY;
  for (const p of held) {
    const t = watches[p]?.through;
    if (t === undefined) return undefined;
    through = Math.min(through, t);
  }
  return Number.isFinite(through) ? through : undefined;
};
