import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEHIND_AFTER_SECONDS, behindNote, ProgressWindow } from '#scripts/local/throughput.ts';

describe('ProgressWindow', () => {
  it('reports rates over the last span, lag and its growth', () => {
    const w = new ProgressWindow(10_000);
    expect(w.rates()).toBeUndefined();
    w.add({ at: 0, recordsIn: 0, processed: 0 });
    w.add({ at: 5_000, recordsIn: 10_000, processed: 5_000 });
    w.add({ at: 10_000, recordsIn: 20_000, processed: 10_000 });
    expect(w.rates()).toEqual({
      inPerSec: 2_000,
      processedPerSec: 1_000,
      lag: 10_000,
      lagGrowthPerSec: 1_000,
    });
    // Older samples leave the window: rates are over 20 s → 30 s once a sample at 30 s arrives.
    w.add({ at: 20_000, recordsIn: 40_000, processed: 40_000 });
    w.add({ at: 30_000, recordsIn: 60_000, processed: 60_000 });
    expect(w.rates()).toEqual({ inPerSec: 2_000, processedPerSec: 2_000, lag: 0, lagGrowthPerSec: 0 });
  });
});

describe('behindNote', () => {
  const rates = { inPerSec: 2_000, processedPerSec: 1_400, lag: 40_000, lagGrowthPerSec: 600 };

  it('says how far behind, the processing rate and the DynamoDB Local bound', () => {
    expect(behindNote(rates, { batchSize: 10_000, ddbWritesPerSec: 3_210.4 })).toBe(
      'behind: lag +600/s, processing 1,400/s of 2,000/s in; DynamoDB Local takes ≈ 3,210 writes/s',
    );
    expect(behindNote(rates, { batchSize: 10_000 })).toBe(
      'behind: lag +600/s, processing 1,400/s of 2,000/s in',
    );
  });

  it('is silent while the lag shrinks or stays within a batch and a few seconds of input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (inPerSec, lag, lagGrowthPerSec, batchSize) => {
          const note = behindNote({ inPerSec, processedPerSec: 0, lag, lagGrowthPerSec }, { batchSize });
          const behind = lagGrowthPerSec > 0 && lag > batchSize && lag > inPerSec * BEHIND_AFTER_SECONDS;
          expect(note !== undefined).toBe(behind);
        },
      ),
    );
  });
});
