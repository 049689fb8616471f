import type { BenchResults, DesignResult } from '#scripts/bench/results.ts';

const design = (writes: number, wcu: number): DesignResult => ({
  recordsPerSec: 1000,
  ddbWriteRequestsPer1k: writes,
  ddbReadRequestsPer1k: writes,
  ddbWcuPer1k: wcu,
  cpuMsPer1k: 50,
  freshnessP50Ms: 100,
  freshnessP99Ms: 900,
});

/** A results document in the contract's shape, with round numbers tests can reason about. */
export const sampleResults = (): BenchResults => ({
  generator: { recordsPerSec: 20_000, mbPerSec: 20.5 },
  api: { p50Ms: 3, p99Ms: 12, requestsPerSec: 900 },
  bundles: { stateProcessorBytes: 120_000, lookupApiBytes: 90_000, stateProcessorInitMs: 45 },
  workloads: {
    hot: { records: 200_000, devices: 100, fleetstream: design(4, 8), naive: design(1000, 1000) },
    wide: { records: 100_000, devices: 10_000, fleetstream: design(400, 800), naive: design(1000, 1000) },
  },
});
