import { describe, expect, it } from 'vitest';
import { dueHours } from '#scripts/lake/compaction-schedule.ts';
import { HOUR_MS, parseHourFlag } from '#scripts/lake/hour.ts';

/** When the local runtime compacts an hour: after it closes plus the delay, once more after the late window. */

const H = Date.parse('2026-11-21T09:00:00Z');
const MIN = 60_000;
const schedule = { delayMinutes: 5, lateHours: 2, previewMinutes: 0 };

describe('dueHours', () => {
  it('compacts a closed hour once its delay has passed, not before', () => {
    expect(dueHours(H + HOUR_MS + 4 * MIN, new Map(), schedule)).not.toContain(H);
    expect(dueHours(H + HOUR_MS + 5 * MIN, new Map(), schedule)).toContain(H);
    expect(dueHours(H + HOUR_MS + 6 * MIN, new Map([[H, H + HOUR_MS + 5 * MIN]]), schedule)).not.toContain(H);
  });

  it('re-compacts it once more lateHours later, then never again', () => {
    const first = new Map([[H, H + HOUR_MS + 5 * MIN]]);
    expect(dueHours(H + 3 * HOUR_MS + 4 * MIN, first, schedule)).not.toContain(H);
    expect(dueHours(H + 3 * HOUR_MS + 5 * MIN, first, schedule)).toContain(H);
    const late = new Map([[H, H + 3 * HOUR_MS + 5 * MIN]]);
    expect(dueHours(H + 3 * HOUR_MS + 30 * MIN, late, schedule)).not.toContain(H);
    expect(dueHours(H + 10 * HOUR_MS, new Map(), schedule)).not.toContain(H);
  });

  it('catches up once on the hours of the late window after a restart', () => {
    expect(dueHours(H + 30 * MIN, new Map(), schedule)).toEqual([
      H - 3 * HOUR_MS,
      H - 2 * HOUR_MS,
      H - HOUR_MS,
    ]);
  });

  it('refreshes the open hour only with previewMinutes', () => {
    expect(dueHours(H + 30 * MIN, new Map(), schedule)).not.toContain(H);
    const preview = { ...schedule, previewMinutes: 5 };
    expect(dueHours(H + 30 * MIN, new Map(), preview)).toContain(H);
    expect(dueHours(H + 30 * MIN, new Map([[H, H + 27 * MIN]]), preview)).not.toContain(H);
    expect(dueHours(H + 30 * MIN, new Map([[H, H + 25 * MIN]]), preview)).toContain(H);
  });
});

describe('parseHourFlag', () => {
  it('reads a UTC hour in the accepted spellings and refuses the rest', () => {
    for (const raw of ['2026-11-21T09', '2026-11-21 09', '2026-11-21T09:00', '2026-11-21T09:00:00Z'])
      expect(parseHourFlag(raw)).toBe(H);
    for (const raw of ['2026-11-21', '2026-11-21T24', '2026-02-30T01', '2026-11-21T09:30', 'now'])
      expect(() => parseHourFlag(raw)).toThrow(/--hour must be a UTC hour/);
  });
});
