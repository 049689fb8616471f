import { describe, expect, it } from 'vitest';
import { lakeLines, snsLine } from '#scripts/cost/pricing/lake.ts';
import { testPrices } from '#test/support/cost-prices.ts';

describe('lakeLines', () => {
  it('bills Firehose on the raw GB, S3 on the compressed GB, and a PUT per 300 s buffer at least', () => {
    const [firehose, storage, puts] = lakeLines(100, 0.2, testPrices);
    expect(firehose).toMatchObject({ service: 'Firehose', quantity: 100 });
    expect(firehose?.usd).toBeCloseTo(6, 10);
    expect(storage).toMatchObject({ service: 'S3', quantity: 20 });
    expect(storage?.usd).toBeCloseTo(0.4, 10);
    // 20 GB fill 298 objects of 64 MiB: fewer than one per 300 s buffer (8,760 a month).
    expect(puts?.quantity).toBe((730 * 3600) / 300);
    expect(puts?.usd).toBeCloseTo(8.76 * 0.004, 10);
  });

  it('counts 64 MiB objects when the buffers fill before 300 s', () => {
    const [, , puts] = lakeLines(100_000, 1, testPrices);
    expect(puts?.quantity).toBeCloseTo(100_000e9 / (64 * 1024 * 1024), 6);
  });
});

describe('snsLine', () => {
  it('lists alerts at zero cost with the reason', () => {
    expect(snsLine()).toMatchObject({
      service: 'SNS',
      usd: 0,
      note: expect.stringContaining('edge-triggered'),
    });
  });
});
