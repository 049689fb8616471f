import { describe, expect, it } from 'vitest';
import { SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import {
  DEFAULT_INGEST_ASSUMPTIONS,
  FRONT_DOOR_PRICES,
  formatFrontDoor,
  frontDoorCost,
} from '#scripts/cost/pricing/ingest.ts';
import { testPrices } from '#test/support/cost-prices.ts';

describe('front door cost', () => {
  const a = { ...DEFAULT_INGEST_ASSUMPTIONS, durationMs: 100 };

  it('prices a request of each service per batch of records', () => {
    const c = frontDoorCost(500, a, testPrices);
    expect(c.requestsPerMonth).toBe(SECONDS_PER_MONTH);
    const api = c.ingest.lines.find((l) => l.service === 'API Gateway');
    expect(api?.usd).toBeCloseTo(
      (SECONDS_PER_MONTH / 1e6) * FRONT_DOOR_PRICES.apiGatewayRestPerMillion.usd,
      6,
    );
    const ddb = c.ingest.lines.find((l) => l.service === 'DynamoDB');
    expect(ddb?.quantity).toBe(2 * SECONDS_PER_MONTH);
    expect(c.ingest.totalUsd).toBeCloseTo(
      c.ingest.lines.reduce((t, l) => t + l.usd, 0),
      9,
    );
  });

  it('puts the break-even where both paths cost the same, ingest cheaper below and direct above', () => {
    const { breakEvenRecordsPerSecond: even } = frontDoorCost(1, a, testPrices);
    const at = frontDoorCost(even, { ...a, batchRecords: 500 }, testPrices);
    expect(at.ingest.totalUsd).toBeCloseTo(at.direct.totalUsd, 0);
    expect(frontDoorCost(even / 2, a, testPrices).ingest.totalUsd).toBeLessThan(at.direct.totalUsd);
    expect(frontDoorCost(even * 2, a, testPrices).ingest.totalUsd).toBeGreaterThan(at.direct.totalUsd);
    expect(formatFrontDoor(frontDoorCost(even * 2, a, testPrices), even * 2)).toMatch(/direct is cheaper/);
    // Bigger batches make each record cheaper, so ingest stays cheaper up to a higher rate.
    expect(
      frontDoorCost(1, { ...a, batchRecords: 1000 }, testPrices).breakEvenRecordsPerSecond,
    ).toBeGreaterThan(even);
  });
});
