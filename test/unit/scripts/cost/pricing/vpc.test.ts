import { describe, expect, it } from 'vitest';
import { vpcLine } from '#scripts/cost/pricing/vpc.ts';
import { testPrices } from '#test/support/cost-prices.ts';

describe('vpcLine', () => {
  it('bills every interface endpoint in every AZ for the month', () => {
    const l = vpcLine(2, 3, testPrices);
    expect(l).toMatchObject({ service: 'VPC', quantity: 2 * 3 * 730, unit: 'endpoint-AZ-h' });
    expect(l.usd).toBeCloseTo(4380 * 0.011, 10);
    expect(l.item).toBe('interface endpoints (2 × 3 AZ)');
  });
});
