import { describe, expect, it } from 'vitest';
import { deviceThrough, observe, stalledPartitions } from '#core/silence/lag-state.ts';

describe('stall guard lag state', () => {
  it('is processed through an observation once the group reaches the end seen then', () => {
    const first = observe(undefined, [{ partition: 0, committed: 5, end: 10 }], 1_000);
    expect(first['0']).toEqual({ pending: [[1_000, 10]], since: 1_000 });
    const second = observe(first, [{ partition: 0, committed: 10, end: 20 }], 61_000);
    expect(second['0']).toEqual({ through: 1_000, pending: [[61_000, 20]], since: 1_000 });
    const caughtUp = observe(second, [{ partition: 0, committed: 20, end: 20 }], 121_000);
    expect(caughtUp['0']?.through).toBe(121_000);
    expect(caughtUp['0']?.pending).toEqual([]);
  });

  it('calls a partition stalled once it is processed through nothing newer than the threshold', () => {
    const lag = [
      { partition: 0, committed: 0, end: 3 },
      { partition: 1, committed: 0, end: 0 },
    ];
    const w = observe(undefined, lag, 0);
    expect(stalledPartitions(observe(w, lag, 120_000), 120_000, 120_000)).toEqual([]);
    // An idle partition the group has reached is current whenever it is observed.
    expect(stalledPartitions(observe(w, lag, 120_001), 120_001, 120_000)).toEqual([0]);
  });

  it('holds a device to the least processed of its partitions (legacy watermark keys too)', () => {
    const w = {
      '0': { through: 50, pending: [], since: 0 },
      '1': { through: 90, pending: [], since: 0 },
      '2': { pending: [], since: 0 },
    };
    expect(deviceThrough(w, { '1': 4 })).toBe(90);
    expect(deviceThrough(w, { 'modem-telemetry-0': 4, '1': 7 })).toBe(50);
    expect(deviceThrough(w, { '2': 1 })).toBeUndefined();
    // Watermarks naming no watched partition: held to every partition.
    expect(deviceThrough(w, { '9': 1 })).toBeUndefined();
  });
});
