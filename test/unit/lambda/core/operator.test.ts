import { describe, expect, it } from 'vitest';
import { ALERT_ID, type Mute, matchingMute } from '#core/operator.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const mute = (muteId: string, target: Mute['target'], until: string): Mute => ({
  muteId,
  target,
  until,
  createdBy: 'arn:aws:iam::1:user/ops',
  updatedAt: '2026-11-21T11:00:00.000Z',
});

describe('matchingMute', () => {
  const mutes = [
    mute('z-model', { model: 'EVG2000' }, '2026-11-21T13:00:00.000Z'),
    mute('a-device', { deviceId: 'd1' }, '2026-11-21T12:30:00.000Z'),
    mute('expired', { deviceId: 'd2' }, '2026-11-21T11:59:59.999Z'),
  ];

  it('matches an active mute by device or by model, the first by muteId', () => {
    expect(matchingMute(mutes, { deviceId: 'd1', model: 'EVG2000' }, NOW)?.muteId).toBe('a-device');
    expect(matchingMute(mutes, { deviceId: 'd9', model: 'EVG2000' }, NOW)?.muteId).toBe('z-model');
  });

  it('ignores expired mutes, other devices and models, and an alert without a model', () => {
    expect(matchingMute(mutes, { deviceId: 'd2', model: 'DG3450' }, NOW)).toBeUndefined();
    expect(matchingMute(mutes, { deviceId: 'd9' }, NOW)).toBeUndefined();
    expect(matchingMute(mutes, { deviceId: 'd1' }, Date.parse('2026-11-21T12:30:00.000Z'))).toBeUndefined();
  });

  it('recognises alert ids as the processor makes them', () => {
    expect(ALERT_ID.test('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(ALERT_ID.test('0123456789ABCDEF0123456789abcdef')).toBe(false);
    expect(ALERT_ID.test('0123456789abcdef0123456789abcde')).toBe(false);
  });
});
