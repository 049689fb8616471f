import { describe, expect, it } from 'vitest';
import { formatBenchTable, targetLines } from '#scripts/bench/report.ts';
import { formatRatio, percentile, reduction, withinFraction } from '#scripts/bench/stats.ts';
import { sampleResults } from '#test/support/bench-fixtures.ts';

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank value', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
  });
  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
  it('is 0 for no values and rejects a bad p', () => {
    expect(percentile([], 50)).toBe(0);
    expect(() => percentile([1], 101)).toThrow(/0-100/);
  });
});

describe('ratios', () => {
  it('reduction is how many times smaller ours is', () => {
    expect(reduction(4, 1000)).toBe(250);
    expect(reduction(0, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(reduction(0, 0)).toBe(1);
  });
  it('formats less/more and throughput factors', () => {
    expect(formatRatio(4, 1000, 'lower')).toBe('250× less');
    expect(formatRatio(1300, 1000, 'lower')).toBe('1.3× more');
    expect(formatRatio(3000, 1000, 'higher')).toBe('3.0×');
    expect(formatRatio(0, 0, 'higher')).toBe('=');
  });
  it('withinFraction checks "at most 1/limit of the baseline"', () => {
    expect(withinFraction(20, 1000, 50)).toBe(true);
    expect(withinFraction(21, 1000, 50)).toBe(false);
    expect(withinFraction(500, 1000, 2)).toBe(true);
    expect(withinFraction(501, 1000, 2)).toBe(false);
  });
});

describe('bench table', () => {
  it('shows every workload with both designs, the ratio and the targets', () => {
    const text = formatBenchTable(sampleResults());
    expect(text).toMatch(/Workload "hot": 200,000 records over 100 devices/);
    expect(text).toMatch(/Workload "wide": 100,000 records over 10,000 devices/);
    expect(text).toMatch(/DynamoDB write requests \/ 1k records\s+4\s+1,000\s+250× less/);
    expect(text).toMatch(/state-processor module init ms\s+45/);
  });
  it('reports a missed target as NOT met', () => {
    const r = sampleResults();
    r.workloads.wide.fleetstream.ddbWriteRequestsPer1k = 1300;
    expect(targetLines(r)).toEqual([
      expect.stringMatching(/^hot: .*: met$/),
      expect.stringMatching(/^wide: .*NOT met$/),
    ]);
  });
});
