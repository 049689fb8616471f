import { describe, expect, it } from 'vitest';
import { SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import { type Invocations, lambdaLines, lambdaRun, MB_PER_VCPU } from '#scripts/cost/pricing/lambda.ts';
import { testPrices } from '#test/support/cost-prices.ts';

const invocations: Invocations = {
  batch: 1000,
  perSecond: 2,
  perMonth: 2 * SECONDS_PER_MONTH,
  partitions: 4,
};
const settings = { memoryMb: MB_PER_VCPU, ddbLatencyMs: 8, ddbConcurrency: 4 };

describe('lambdaRun', () => {
  it('adds CPU time to DynamoDB calls (reads in BatchGets of 100, writes one each) run concurrently', () => {
    // CPU: 100 ms per 1,000 records × 1,000 = 100 ms; I/O: (3 BatchGets + 10 writes) × 8 ms / 4 = 26 ms.
    const run = lambdaRun(100, 10, 250, invocations, settings);
    expect(run.durationMs).toBeCloseTo(126, 10);
    expect(run.gbSeconds).toBeCloseTo(2 * SECONDS_PER_MONTH * 0.126 * (MB_PER_VCPU / 1024), 3);
    // 2 invocations/s over 4 partitions, 0.126 s each.
    expect(run.utilisation).toBeCloseTo(0.5 * 0.126, 10);
  });

  it('stretches CPU time below one vCPU, not above', () => {
    const half = lambdaRun(100, 0, 0, invocations, { ...settings, memoryMb: MB_PER_VCPU / 2 });
    const double = lambdaRun(100, 0, 0, invocations, { ...settings, memoryMb: MB_PER_VCPU * 2 });
    expect(half.durationMs).toBeCloseTo(200, 10);
    expect(double.durationMs).toBeCloseTo(100, 10);
  });
});

describe('lambdaLines', () => {
  it('bills requests per million and arm64 GB-seconds', () => {
    const run = { durationMs: 126.4, gbSeconds: 5000, utilisation: 0.1 };
    const [requests, compute] = lambdaLines(run, invocations, 1024, testPrices);
    expect(requests).toMatchObject({
      item: 'requests (batch ≈ 1000 records)',
      quantity: 2 * SECONDS_PER_MONTH,
    });
    expect(requests?.usd).toBeCloseTo(((2 * SECONDS_PER_MONTH) / 1e6) * 0.25, 10);
    expect(compute).toMatchObject({ item: 'compute (1024 MB arm64, ≈ 126 ms/invocation)', quantity: 5000 });
    expect(compute?.usd).toBeCloseTo(5000 * 0.00002, 12);
  });
});
