/**
 * The sweep's first step: observe the processor's lag (waiting up to `settleMs` for it to reach the ends just
 * observed), record it in the lag state item, and open or close the one "pipeline stalled" episode. The lag state
 * item is written conditionally on its version: of two overlapping sweeps one goes on, the other stops here.
 */
import { createHash } from 'node:crypto';
import type { EpisodeItem } from '#core/alert-episode.ts';
import { alertKey } from '#core/items/keys.ts';
import {
  type LagStateItem,
  observe,
  type PartitionWatch,
  type StallEpisode,
  stalledPartitions,
} from '#core/silence/lag-state.ts';
import type { PartitionLag, SweepDeps } from '#core/silence/ports.ts';
import { lagStateKey, type SweepOptions } from './sweep-options.ts';

/** The rule id of pipeline-stalled alerts (not a rules-table rule: the sweep raises it). */
export const STALL_RULE_ID = 'pipeline-stalled';

/** The ends now, with the committed offsets read again after `settleMs` when the group was behind. */
const settledLag = async (deps: SweepDeps, settleMs: number): Promise<PartitionLag[]> => {
  const first = await deps.lag.lag();
  if (settleMs <= 0 || first.every((p) => p.committed >= p.end)) return first;
  await (deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(settleMs);
  const again = new Map((await deps.lag.lag()).map((p) => [p.partition, p.committed]));
  return first.map((p) => ({
    ...p,
    committed: Math.max(p.committed, again.get(p.partition) ?? p.committed),
  }));
};

const stallEpisode = (options: SweepOptions, since: number): StallEpisode => {
  const id = createHash('sha256')
    .update(`${STALL_RULE_ID}|${options.topic}|${since}`)
    .digest('hex')
    .slice(0, 32);
  return {
    deviceId: `PIPELINE#${options.topic}`,
    alertKey: alertKey(new Date(since).toISOString(), id),
    since,
  };
};

export const stallAlert = (
  options: SweepOptions,
  episode: StallEpisode,
  behind: { partitions: readonly number[]; lag: readonly PartitionLag[] },
): EpisodeItem => {
  const at = new Date(episode.since).toISOString();
  const first = behind.lag.find((p) => p.partition === behind.partitions[0]);
  const seconds = options.stallAfterMs / 1000;
  return {
    deviceId: episode.deviceId,
    alertKey: episode.alertKey,
    alertId: episode.alertKey.slice(at.length + 1),
    ruleId: STALL_RULE_ID,
    severity: 'critical',
    message:
      `pipeline stalled: ${options.topic} (group ${options.groupId}) has not been processed up to its end for more than ` +
      `${seconds} s on partitions ${behind.partitions.join(', ')}; silence alerts wait for it`,
    at,
    day: at.slice(0, 10),
    model: '',
    registry: null,
    field: 'stalledForSeconds',
    value: seconds,
    topic: options.topic,
    partition: first?.partition ?? -1,
    offset: first?.committed ?? -1,
    state: 'firing',
    startsAt: at,
    endsAt: null,
  };
};

/** The next lag state: watches observed, the stall episode opened, kept or closed. */
const nextState = (
  previous: LagStateItem | undefined,
  watches: Record<string, PartitionWatch>,
  context: { options: SweepOptions; now: number; stalled: readonly number[] },
): LagStateItem => {
  const { options, now, stalled } = context;
  const base = { ...lagStateKey(options.topic), version: (previous?.version ?? 0) + 1, partitions: watches };
  if (stalled.length > 0) return { ...base, stall: previous?.stall ?? stallEpisode(options, now) };
  return previous?.stall ? { ...base, resolving: previous.stall } : base;
};

/** Returns the partitions' watches, or undefined when an overlapping sweep wrote the lag state first. */
export const stallStep = async (
  deps: SweepDeps,
  options: SweepOptions,
  now: number,
): Promise<Record<string, PartitionWatch> | undefined> => {
  const lag = await settledLag(deps, options.settleMs);
  const previous = await deps.store.readItem<LagStateItem>(lagStateKey(options.topic));
  const watches = observe(previous?.partitions, lag, now);
  const stalled = stalledPartitions(watches, now, options.stallAfterMs);
  const state = nextState(previous, watches, { options, now, stalled });
  if (!(await deps.store.putItem(state, previous?.version ?? null))) return undefined;
  if (previous?.resolving) await deps.store.resolveAlert(previous.resolving, new Date(now).toISOString());
  if (state.resolving) await deps.store.resolveAlert(state.resolving, new Date(now).toISOString());
  if (state.stall) {
    await deps.store.putAlert(stallAlert(options, state.stall, { partitions: stalled, lag }));
    if (!previous?.stall) deps.log.warn('pipeline stalled', { topic: options.topic, partitions: stalled });
  }
  return watches;
};
