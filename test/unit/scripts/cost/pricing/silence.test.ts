import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import {
  DEFAULT_SILENCE_ASSUMPTIONS as a,
  presenceWrites,
  SCHEDULER_PRICE,
  silenceCost,
  slotsReadPerSweep,
  sweepReads,
} from '#scripts/cost/pricing/silence.ts';
import { testPrices } from '#test/support/cost-prices.ts';

const load = { devices: 1_000_000, reportingPerSlot: 1_000_000, invocationsPerSlot: 144, partitions: 24 };

describe('silence detection cost', () => {
  it('bills presence writes per item in 1 KB units, each item under the item size limit', () => {
    const small = presenceWrites(
      { devices: 10, reportingPerSlot: 10, invocationsPerSlot: 144, partitions: 24 },
      a,
    );
    // Ten devices: at most ten items (one per invocation that saw one), 1 WRU each.
    expect(small).toEqual({ items: 10, bytes: 10 * a.entryBytes + 10 * a.itemOverheadBytes, wru: 10 });
    const big = presenceWrites(load, a);
    expect(big.bytes / big.items).toBeLessThanOrEqual(a.maxItemBytes);
    expect(big.wru).toBe(big.items * Math.ceil(big.bytes / big.items / 1024));
    expect(big.wru).toBeGreaterThanOrEqual(big.bytes / 1024);
  });

  it('reads three slots of presence per rule eventually consistent (4 KB units, half), candidates strongly', () => {
    const reads = sweepReads(load, 1_000_000, { ...a, rules: 3 });
    // Three slots a run (the two a minute's sweep judges and the next), one Query per rule, slot and partition, each
    // at least half a unit, plus the bytes in 4 KB units; candidates from the two judged slots.
    expect(slotsReadPerSweep(a)).toBe(3);
    expect(reads.queryRru).toBe(3 * 0.5 * Math.ceil(3_000_000 / 4096) + 3 * 3 * 24 * 0.5);
    expect(reads.getRru).toBeCloseTo(load.reportingPerSlot * a.candidateShare * 2 * 3, 6);
  });

  it('runs the sweep once a schedule period: a month of scheduler invocations and Lambda requests', () => {
    const cost = silenceCost(load, testPrices);
    expect(cost.sweepsPerMonth).toBe(SECONDS_PER_MONTH / 60);
    const schedule = cost.lines.find((l) => l.service === 'EventBridge Scheduler');
    expect(schedule?.usd).toBeCloseTo(
      (cost.sweepsPerMonth / 1e6) * SCHEDULER_PRICE.usdPerMillionInvocations,
      9,
    );
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((t, l) => t + l.usd, 0),
      9,
    );
  });

  it('grows with the devices reporting in a minute, not with minutes × fleet reads (generated loads)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (devices, inv) => {
          const one = silenceCost(
            { devices, reportingPerSlot: devices, invocationsPerSlot: inv, partitions: 24 },
            testPrices,
          );
          const two = silenceCost(
            {
              devices: 2 * devices,
              reportingPerSlot: 2 * devices,
              invocationsPerSlot: inv,
              partitions: 24,
            },
            testPrices,
          );
          expect(two.totalUsd).toBeGreaterThanOrEqual(one.totalUsd);
          // Doubling the fleet at most doubles the bill plus its fixed part (schedule, base run, one item each).
          expect(two.totalUsd).toBeLessThanOrEqual(2 * one.totalUsd + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });
});
