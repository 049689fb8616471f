import { describe, expect, it } from 'vitest';
import { mskLines } from '#scripts/cost/pricing/msk.ts';
import { testPrices } from '#test/support/cost-prices.ts';

describe('mskLines', () => {
  const lines = mskLines(
    { clusters: 2, partitions: 3, monthBytesIn: 2 * 1024 ** 3, readers: 2, retentionDays: 7 },
    testPrices,
  );

  it('bills cluster-hours, partition-hours, data in, data out per reader and retained storage', () => {
    expect(lines.map((l) => [l.item, l.quantity, l.unit])).toEqual([
      ['cluster-hours', 2 * 730, 'cluster-h'],
      ['partition-hours (3 partitions)', 3 * 730, 'partition-h'],
      ['data in', 2, 'GiB'],
      ['data out (2 readers)', 4, 'GiB'],
      ['storage (7-day retention)', (2 * 7) / 30.42, 'GiB-month'],
    ]);
  });

  it('prices each line with its own price', () => {
    expect(lines.map((l) => l.usd)).toEqual([
      1460 * 0.5,
      2190 * 0.01,
      2 * 0.2,
      4 * 0.03,
      ((2 * 7) / 30.42) * 0.1,
    ]);
  });

  it('names one reader in the singular', () => {
    const [, , , out] = mskLines(
      { clusters: 1, partitions: 1, monthBytesIn: 1024 ** 3, readers: 1, retentionDays: 1 },
      testPrices,
    );
    expect(out?.item).toBe('data out (1 reader)');
  });
});
