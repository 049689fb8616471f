import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EpisodeDevice, type EpisodeItem, EpisodeReader } from '#core/alert-episode.ts';
import { alertKey } from '#core/items/keys.ts';

const item = (
  deviceId: string,
  ruleId: string,
  at: string,
  extra: Partial<EpisodeItem> = {},
): EpisodeItem => ({
  deviceId,
  alertKey: alertKey(at, `${deviceId}-${ruleId}-${at}`),
  alertId: `${deviceId}-${ruleId}-${at}`,
  ruleId,
  severity: 'critical',
  message: 'm',
  at,
  day: at.slice(0, 10),
  model: 'EVG2000',
  registry: null,
  field: 'interfacestatus',
  value: 'down',
  topic: 't',
  partition: 0,
  offset: 1,
  ...extra,
});

/** A device item in short: its firing rules, the keys of its open episodes, its current state's time. */
const device = (
  firing: string[],
  open: string[] = [],
  eventTime = '2026-11-21T12:00:00.000Z',
): EpisodeDevice => ({
  firing,
  open: new Set(open),
  eventTime,
});

describe('EpisodeReader', () => {
  it('maps an alert stored without a state: firing only as the newest of its rule while the rule fires', () => {
    const devices = new Map([['d1', device(['down'])]]);
    const reader = new EpisodeReader((id) => devices.get(id));
    // Newest first, as the listings read.
    expect(reader.next(item('d1', 'down', '2026-11-21T11:00:00.000Z'))).toEqual({
      state: 'firing',
      startsAt: '2026-11-21T11:00:00.000Z',
      endsAt: null,
    });
    expect(reader.next(item('d1', 'cpu', '2026-11-21T10:30:00.000Z')).state).toBe('resolved');
    expect(reader.next(item('d1', 'down', '2026-11-21T10:00:00.000Z')).state).toBe('resolved');
    // A device whose item is gone: resolved.
    expect(reader.next(item('gone', 'down', '2026-11-21T09:00:00.000Z')).state).toBe('resolved');
  });

  it('keeps a stored episode as stored; a firing one never has an end', () => {
    const firingKey = alertKey('2026-11-21T10:00:00.000Z', 'd2-down-2026-11-21T10:00:00.000Z');
    const reader = new EpisodeReader((id) => (id === 'd2' ? device(['down'], [firingKey]) : device([])));
    const resolved = item('d1', 'down', '2026-11-21T10:00:00.000Z', {
      state: 'resolved',
      startsAt: '2026-11-21T10:00:00.000Z',
      endsAt: '2026-11-21T10:05:00.000Z',
    });
    expect(reader.next(resolved)).toEqual({
      state: 'resolved',
      startsAt: '2026-11-21T10:00:00.000Z',
      endsAt: '2026-11-21T10:05:00.000Z',
    });
    const firing = item('d2', 'down', '2026-11-21T10:00:00.000Z', { state: 'firing', endsAt: 'x' });
    expect(reader.next(firing)).toEqual({ state: 'firing', startsAt: firing.at, endsAt: null });
  });

  it('reads a stored firing episode as firing while its device holds it open or has not recorded it yet', () => {
    const stored = { state: 'firing' as const, startsAt: '2026-11-21T09:59:00.000Z', endsAt: null };
    const alert = item('d1', 'down', '2026-11-21T10:00:00.000Z', stored);
    const episode = (d: EpisodeDevice | undefined) => new EpisodeReader(() => d).next(alert);
    expect(episode(device(['down'], [alert.alertKey]))).toEqual({
      state: 'firing',
      startsAt: '2026-11-21T09:59:00.000Z',
      endsAt: null,
    });
    // Written before the device write that records it: the device's state is older than the alert.
    expect(episode(device([], [], '2026-11-21T09:59:30.000Z')).state).toBe('firing');
    // The device moved on without it (its write lost to another invocation's), or the device is gone.
    expect(episode(device(['down'], ['other'])).state).toBe('resolved');
    expect(episode(undefined)).toEqual({
      state: 'resolved',
      startsAt: '2026-11-21T09:59:00.000Z',
      endsAt: null,
    });
  });

  it('lists old items (no state) beside stored episodes of the same rule sensibly', () => {
    const stored = { state: 'firing' as const, startsAt: '2026-11-21T11:00:00.000Z', endsAt: null };
    const newer = item('d1', 'down', '2026-11-21T11:00:00.000Z', stored);
    const reader = new EpisodeReader(() => device(['down'], [newer.alertKey]));
    expect(reader.next(newer).state).toBe('firing');
    // The old alert of the same rule is no longer the newest: resolved, its end unknown.
    expect(reader.next(item('d1', 'down', '2026-11-21T10:00:00.000Z'))).toEqual({
      state: 'resolved',
      startsAt: '2026-11-21T10:00:00.000Z',
      endsAt: null,
    });
    // An old alert whose rule still fires on a device item written before episodes (no openAlerts): firing.
    const old = new EpisodeReader(() => device(['cpu']));
    expect(old.next(item('d1', 'cpu', '2026-11-21T10:00:00.000Z')).state).toBe('firing');
  });

  it('at most one firing episode per device and rule, and exactly one when the rule fires (property)', () => {
    const pair = fc.tuple(fc.constantFrom('d1', 'd2', 'd3'), fc.constantFrom('down', 'cpu'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pair, fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 40 }),
        fc.subarray(['d1|down', 'd1|cpu', 'd2|down', 'd2|cpu', 'd3|down', 'd3|cpu']),
        (alerts, firingPairs) => {
          const firing = (deviceId: string) =>
            firingPairs.filter((p) => p.startsWith(`${deviceId}|`)).map((p) => p.split('|')[1] as string);
          const reader = new EpisodeReader((deviceId) => device(firing(deviceId)));
          const items = alerts
            .map(([[deviceId, ruleId], minute]) =>
              item(deviceId, ruleId, new Date(Date.UTC(2026, 10, 1) + minute * 60_000).toISOString()),
            )
            .sort((a, b) => (a.alertKey < b.alertKey ? 1 : -1));
          const firingCount = new Map<string, number>();
          for (const alert of items) {
            const key = `${alert.deviceId}|${alert.ruleId}`;
            if (reader.next(alert).state === 'firing') firingCount.set(key, (firingCount.get(key) ?? 0) + 1);
          }
          const present = new Set(items.map((a) => `${a.deviceId}|${a.ruleId}`));
          for (const key of present)
            expect(firingCount.get(key) ?? 0).toBe(firingPairs.includes(key) ? 1 : 0);
        },
      ),
    );
  });
});
