import { describe, expect, it } from 'vitest';
import { byUrgency, deviceMuteId } from '#scripts/console/web/alert-order.ts';

type Episode = Parameters<typeof byUrgency>[0];
const episode = (alertId: string, state: 'firing' | 'resolved', at: string) =>
  ({ alertId, state, at }) as unknown as Episode;

describe('alerts page', () => {
  it('puts firing alerts first, each group newest first', () => {
    const sorted = [
      episode('old-resolved', 'resolved', '2026-11-21T09:00:00.000Z'),
      episode('old-firing', 'firing', '2026-11-21T08:00:00.000Z'),
      episode('new-resolved', 'resolved', '2026-11-21T11:00:00.000Z'),
      episode('new-firing', 'firing', '2026-11-21T10:00:00.000Z'),
    ].sort(byUrgency);
    expect(sorted.map((e) => e.alertId)).toEqual([
      'new-firing',
      'old-firing',
      'new-resolved',
      'old-resolved',
    ]);
  });

  it('names a device mute within the mute id alphabet', () => {
    expect(deviceMuteId('dvc0001')).toBe('device-dvc0001');
    expect(deviceMuteId('modem #7/ü')).toBe('device-modem__7__');
    expect(deviceMuteId('x'.repeat(128))).toHaveLength(128);
    expect(deviceMuteId('x'.repeat(128))).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
  });
});
