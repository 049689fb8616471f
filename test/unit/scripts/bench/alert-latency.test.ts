import { describe, expect, it } from 'vitest';
import { spacings, summarize } from '#scripts/bench/alert-latency.ts';
import { alertLatencyShapeErrors } from '#scripts/bench/alert-latency-results.ts';

describe('alert latency bench: sampling and summary', () => {
  it('spaces samples 3.5-5.5 s apart, the same for the same seed, different for another', () => {
    const gaps = spacings(200);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3500);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5500);
    expect(spacings(200)).toEqual(gaps);
    expect(spacings(200, 7)).not.toEqual(gaps);
    // Fewer than the digest threshold (10) of one rule fit in one 30 s group window.
    expect(Math.floor(30_000 / Math.min(...gaps)) + 1).toBeLessThan(10);
  });

  it('summarizes with nearest-rank percentiles', () => {
    expect(summarize([3000, 1000, 2000, 4000])).toEqual({
      samples: 4,
      p50Ms: 2000,
      p99Ms: 4000,
      maxMs: 4000,
    });
    expect(summarize([])).toEqual({ samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });
});

describe('alertLatency in bench/results/latest.json', () => {
  const summary = { samples: 12, p50Ms: 24_000, p99Ms: 36_000, maxMs: 36_000 };
  const profile = {
    batchingWindowSeconds: 1,
    groupWindowSeconds: 30,
    threshold: summary,
    silence: { ...summary, silentForSeconds: 60 },
    loadBefore: 12,
    loadAfter: 13,
  };

  it('accepts the shape the bench writes, with or without silence', () => {
    expect(
      alertLatencyShapeErrors({ realtime: profile, balanced: { ...profile, silence: undefined }, cores: 2 }),
    ).toEqual([]);
  });

  it('names what does not fit', () => {
    expect(alertLatencyShapeErrors({ turbo: profile, cores: 2 })).toEqual([
      'alertLatency.turbo is not in the contract',
    ]);
    expect(
      alertLatencyShapeErrors({ realtime: { ...profile, threshold: { ...summary, p50Ms: -1 } }, cores: 2 }),
    ).toEqual(['alertLatency.realtime.threshold.p50Ms must be a number >= 0']);
    expect(alertLatencyShapeErrors({ realtime: profile })).toEqual([
      'alertLatency.cores must be a number >= 0',
    ]);
  });
});
