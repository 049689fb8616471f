import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceIdOf } from '#lambda/generator/devices.ts';
import { SILENT_AFTER_SECONDS, silentPlan, withoutSilenced } from '#lambda/generator/silent-devices.ts';
import { createReportStream } from '#lambda/generator/telemetry.ts';

const START = Date.parse('2026-12-06T10:00:00Z');

describe('silentPlan: which devices stop, and when', () => {
  it('picks round(F × N) devices (never all), each stopping 30–90 s in, the same for the same seed (generated)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.string(),
        (devices, ratio, seed) => {
          const plan = silentPlan({ devices, ratio, seed, startMs: START });
          expect(plan.size).toBe(Math.min(Math.round(ratio * devices), devices - 1));
          expect(plan.size).toBeLessThan(devices);
          const ids = new Set(Array.from({ length: devices }, (_, i) => deviceIdOf(i)));
          for (const [id, stopsAt] of plan) {
            expect(ids.has(id)).toBe(true);
            expect(stopsAt - START).toBeGreaterThanOrEqual(SILENT_AFTER_SECONDS.min * 1000);
            expect(stopsAt - START).toBeLessThanOrEqual(SILENT_AFTER_SECONDS.max * 1000);
          }
          expect(silentPlan({ devices, ratio, seed, startMs: START })).toEqual(plan);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a ratio outside 0 (inclusive) to 1', () => {
    expect(() => silentPlan({ devices: 10, ratio: 1, seed: 's', startMs: START })).toThrow(/silent ratio/);
    expect(() => silentPlan({ devices: 10, ratio: -0.1, seed: 's', startMs: START })).toThrow(/silent ratio/);
  });
});

describe('withoutSilenced: the stream without the stopped devices', () => {
  it('keeps every device until its stop time, then never sends that device again; the others keep sending', () => {
    const devices = 20;
    const plan = silentPlan({ devices, ratio: 0.25, seed: 'quiet', startMs: START });
    expect(plan.size).toBe(5);
    let now = START;
    const stream = withoutSilenced(createReportStream({ devices, seed: 'quiet' }), plan, () => now);
    const seen = (seconds: number, reports: number) => {
      now = START + seconds * 1000;
      return new Set(Array.from({ length: reports }, () => stream.next().value[0]?.key));
    };
    // Before anyone stops: all 20 devices report.
    expect(seen(10, 2000).size).toBe(devices);
    // After the latest stop time: exactly the 15 others, never a stopped one.
    const late = seen(SILENT_AFTER_SECONDS.max + 1, 2000);
    expect(late.size).toBe(devices - plan.size);
    for (const id of plan.keys()) expect(late.has(id)).toBe(false);
    // In between: a device is dropped exactly from its own stop time.
    const [first] = [...plan].sort(([, a], [, b]) => a - b);
    if (first === undefined) throw new Error('no plan');
    const [id, stopsAt] = first;
    now = stopsAt - 1;
    expect(seen((stopsAt - 1 - START) / 1000, 4000).has(id)).toBe(true);
    expect(seen((stopsAt - START) / 1000, 4000).has(id)).toBe(false);
  });
});
