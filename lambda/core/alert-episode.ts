/**
 * An alert as an episode (docs/DATA_MODEL.md "Alert episodes"): `firing` from `startsAt` until it resolves at `endsAt`.
 *
 * Items written since episodes exist store them (`state`, `startsAt`, `endsAt`: the processor writes alerts firing and
 * resolves them; the silence sweep likewise). A stored `resolved` stands. A stored `firing` stands while the device item
 * holds the alert open (`openAlerts`), or while the device item has not yet recorded it (the alert is written first,
 * and is newer than the device's state); otherwise it is an alert whose device write lost to another invocation's
 * (possible only when a device's records are out of order across partitions): `resolved`, end unknown.
 *
 * Items without `state` (every alert written before episodes) are mapped from what the processor keeps exactly once
 * anyway, the device's `firing` rule set: such an alert is `firing` when its rule is in the device's firing set and it
 * is the newest alert of that rule for that device, otherwise `resolved`, with `startsAt` = its `at` and `endsAt` null
 * (the moment it resolved was not recorded).
 */
import { ALERT_STATES, type AlertItem, type AlertState } from './items/alert.ts';
import type { DeviceItem } from './items/device.ts';
import { ruleMapOf } from './rule-maps.ts';

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

/** What the episodes of a device's alerts are read against: its device item, in short. */
export interface EpisodeDevice {
  /** The rules firing for the device (its `firing`). */
  readonly firing: readonly string[];
  /** The alert keys of its open episodes (its `openAlerts`). */
  readonly open: ReadonlySet<string>;
  /** The event_time of its current state. */
  readonly eventTime: string;
}

export const episodeDeviceOf = (
  item: Pick<DeviceItem, 'firing' | 'openAlerts' | 'eventTime'>,
): EpisodeDevice => ({
  firing: item.firing ?? [],
  open: new Set(ruleMapOf(item.openAlerts).values()),
  eventTime: item.eventTime,
});

const storedEpisode = (item: EpisodeItem, device: EpisodeDevice | undefined): Episode => {
  const startsAt = item.startsAt ?? item.at;
  if (item.state === 'resolved') return { state: 'resolved', startsAt, endsAt: item.endsAt ?? null };
  const open =
    device !== undefined &&
    (device.open.has(item.alertKey) || Date.parse(item.at) > Date.parse(device.eventTime));
  return { state: open ? 'firing' : 'resolved', startsAt, endsAt: null };
};

/**
 * Derives episodes for alerts read newest first (a device partition or the by-day index walked from now backwards),
 * so the first alert met of a (device, rule) pair is its newest. `deviceOf(deviceId)` is the device's item in short, or
 * undefined when the device item is gone (its alerts are then resolved).
 */
export class EpisodeReader {
  private readonly newest = new Set<string>();

  constructor(private readonly deviceOf: (deviceId: string) => EpisodeDevice | undefined) {}

  /** Must be called for every alert walked, in order, whether or not the caller keeps it. */
  next(item: EpisodeItem): Episode {
    const pair = JSON.stringify([item.deviceId, item.ruleId]);
    const isNewest = !this.newest.has(pair);
    this.newest.add(pair);
    const device = this.deviceOf(item.deviceId);
    if (isAlertState(item.state)) return storedEpisode(item, device);
    const firing = isNewest && (device?.firing ?? []).includes(item.ruleId);
    return { state: firing ? 'firing' : 'resolved', startsAt: item.at, endsAt: null };
  }
}
