/**
 * An alert as an episode (docs/DATA_MODEL.md "Alert episodes"): `firing` from `startsAt` until it resolves at `endsAt`.
 *
 * Items may carry the episode themselves (`state`, `startsAt`, `endsAt`: written by a processor that records
 * resolution). Items without it (every alert written before episodes, and today's threshold alerts) are mapped from
 * what the processor keeps exactly once anyway, the device's `firing` rule set: such an alert is `firing` when its rule
 * is in the device's firing set and it is the newest alert of that rule for that device, otherwise `resolved`, with
 * `startsAt` = its `at` and `endsAt` null (the moment it resolved was not recorded).
 */
import { ALERT_STATES, type AlertItem, type AlertState } from './items/alert.ts';

export { ALERT_STATES, type AlertState };

export const isAlertState = (value: unknown): value is AlertState =>
  typeof value === 'string' && (ALERT_STATES as readonly string[]).includes(value);

/** Episode attributes an alert item may hold (absent on items written before episodes). */
export interface StoredEpisode {
  state?: AlertState;
  startsAt?: string;
  endsAt?: string | null;
  /** Set by the notifier when a mute held its notification back. */
  muted?: boolean;
}

export type EpisodeItem = AlertItem & StoredEpisode;

export interface Episode {
  readonly state: AlertState;
  readonly startsAt: string;
  /** Null while firing, and for resolved alerts whose end was not recorded. */
  readonly endsAt: string | null;
}

/**
 * Derives episodes for alerts read newest first (a device partition or the by-day index walked from now backwards),
 * so the first alert met of a (device, rule) pair is its newest. `firingOf(deviceId)` is the device's firing rule set,
 * or undefined when the device item is gone (its alerts are then resolved).
 */
export class EpisodeReader {
  private readonly newest = new Set<string>();

  constructor(private readonly firingOf: (deviceId: string) => readonly string[] | undefined) {}

  /** Must be called for every alert walked, in order, whether or not the caller keeps it. */
  next(item: EpisodeItem): Episode {
    const pair = JSON.stringify([item.deviceId, item.ruleId]);
    const isNewest = !this.newest.has(pair);
    this.newest.add(pair);
    if (isAlertState(item.state)) {
      return {
        state: item.state,
        startsAt: item.startsAt ?? item.at,
        endsAt: item.state === 'firing' ? null : (item.endsAt ?? null),
      };
    }
    const firing = isNewest && (this.firingOf(item.deviceId) ?? []).includes(item.ruleId);
    return { state: firing ? 'firing' : 'resolved', startsAt: item.at, endsAt: null };
  }
}
