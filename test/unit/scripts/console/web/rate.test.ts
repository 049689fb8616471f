import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateMeter } from '#scripts/console/web/rate.ts';

describe('RateMeter (records/s on the fleet page)', () => {
  it('is unknown until readings span a second', () => {
    const meter = new RateMeter();
    expect(meter.perSecond()).toBeNull();
    meter.add({ at: 0, count: 10 });
    meter.add({ at: 500, count: 20 });
    expect(meter.perSecond()).toBeNull();
    meter.add({ at: 3000, count: 70 });
    expect(meter.perSecond()).toBe(20);
  });

  it('measures a steady rate over the last span only (generated polls)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.integer({ min: 1000, max: 6000 }), { minLength: 3, maxLength: 40 }),
        (before, rate, gaps) => {
          const meter = new RateMeter(30_000);
          let at = 0;
          let count = 0;
          // A burst first, then the steady rate for longer than the span: the burst must age out.
          meter.add({ at, count });
          at += 1000;
          count += before;
          meter.add({ at, count });
          for (const gap of [...gaps, 31_000, 31_000]) {
            at += gap;
            count += (rate * gap) / 1000;
            meter.add({ at, count });
          }
          expect(meter.perSecond()).toBeCloseTo(rate, 6);
        },
      ),
    );
  });

  it('never goes negative: a counter that restarts (runtime reset) restarts the measurement', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 100_000 })), {
          minLength: 2,
          maxLength: 30,
        }),
        (polls) => {
          const meter = new RateMeter();
          let at = 0;
          for (const [gap, count] of polls) {
            at += gap;
            meter.add({ at, count });
            const rate = meter.perSecond();
            if (rate !== null) expect(rate).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});
