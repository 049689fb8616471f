import { describe, expect, it } from 'vitest';
import { parseProducerPerformance } from '#scripts/bench/producer-perf.ts';
import { producerComparisonShapeErrors } from '#scripts/bench/producer-perf-results.ts';
import { resultsShapeErrors } from '#scripts/bench/results.ts';
import { KEEPS_UP_SECONDS, keptUp, sustainedShapeErrors } from '#scripts/bench/sustained.ts';

const sustained = {
  minutes: 5,
  rate: 2000,
  devices: 1000,
  profile: 'local',
  recordsIn: 600_000,
  processed: 590_000,
  inputRecordsPerSec: 2000,
  processedRecordsPerSec: 1967,
  lagMaxRecords: 30_000,
  lagEndRecords: 12_000,
  lagMaxSeconds: 15,
  lagEndSeconds: 6,
  freshnessP50Ms: 8_000,
  freshnessP99Ms: 20_000,
  freshnessMarkers: 290,
  keptUp: true,
  lagSeries: [
    [0, 0],
    [5, 12_000],
  ],
};

describe('sustained workload', () => {
  it('keeps up when the end lag is under 30 s of input and freshness p99 under 30 s', () => {
    expect(KEEPS_UP_SECONDS).toBe(30);
    expect(keptUp({ lagEndSeconds: 29.9, freshnessP99Ms: 29_999 })).toBe(true);
    expect(keptUp({ lagEndSeconds: 30, freshnessP99Ms: 1_000 })).toBe(false);
    expect(keptUp({ lagEndSeconds: 1, freshnessP99Ms: 30_000 })).toBe(false);
  });

  it('has a checked shape in latest.json, beside the other keys', () => {
    expect(sustainedShapeErrors(sustained)).toEqual([]);
    expect(sustainedShapeErrors({ ...sustained, lagEndSeconds: -1, extra: 1 })).toEqual([
      'sustained.lagEndSeconds must be a number >= 0',
      'sustained.extra is not in the contract',
    ]);
    expect(sustainedShapeErrors({ ...sustained, lagSeries: [[1]] })).toEqual([
      'sustained.lagSeries must be [seconds, lag] pairs',
    ]);
    expect(resultsShapeErrors({ sustained: { ...sustained, keptUp: 'yes' } })).toContain(
      'sustained.keptUp must be a boolean',
    );
    // The load average the run saw is optional, but a number when present.
    expect(sustainedShapeErrors({ ...sustained, loadAverageStart: 3.2, loadAverageEnd: 4 })).toEqual([]);
    expect(sustainedShapeErrors({ ...sustained, loadAverageEnd: 'high' })).toEqual([
      'sustained.loadAverageEnd must be a number >= 0',
    ]);
  });
});

describe('producer comparison', () => {
  it("reads ProducerPerformance's summary, the last of its lines", () => {
    const out =
      '250001 records sent, 50000.2 records/sec (48.83 MB/sec), 3.1 ms avg latency, 200.0 ms max latency.\n' +
      '100000 records sent, 50312.4 records/sec (49.13 MB/sec), 310.20 ms avg latency, 900.00 ms max latency, 290 ms 50th\n';
    expect(parseProducerPerformance(out)).toEqual({ recordsPerSec: 50312.4, mbPerSec: 49.13 });
    expect(() => parseProducerPerformance('Exception in thread "main"')).toThrow(/no summary/);
  });

  it('has a checked shape in latest.json', () => {
    const doc = {
      recordBytes: 1024,
      records: 100_000,
      producerPerformance: { recordsPerSec: 50_000, mbPerSec: 48.8 },
      generator: { recordsPerSec: 42_000, mbPerSec: 41 },
      ratio: 0.84,
    };
    expect(producerComparisonShapeErrors(doc)).toEqual([]);
    expect(producerComparisonShapeErrors({ ...doc, generator: { recordsPerSec: 1 } })).toEqual([
      'producerComparison.generator.mbPerSec must be a number >= 0',
    ]);
    const stated = { ...doc, rounds: 3, loadAverageStart: 1.5, loadAverageEnd: 2, conditions: 'acks=all' };
    expect(producerComparisonShapeErrors(stated)).toEqual([]);
    expect(producerComparisonShapeErrors({ ...stated, conditions: 1, rounds: -1, other: 2 })).toEqual([
      'producerComparison.conditions must be a string',
      'producerComparison.rounds must be a number >= 0',
      'producerComparison.other is not in the contract',
    ]);
  });
});
