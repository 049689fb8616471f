/** The benchmark's fixed, seeded workloads (docs/SCALING.md "What the benchmark measured") and their smaller `--quick` variants. */
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import type { Design, WorkloadName } from './results.ts';

export interface Workload {
  readonly name: WorkloadName;
  readonly devices: number;
  readonly recordsPerDevice: number;
  /** Producer rate while the processor runs: live traffic, so freshness means something. */
  readonly rate: number;
  /**
   * Records each design is measured over: the whole stream, or a prefix of it. DynamoDB Local on this 2-core machine
   * takes a few hundred writes a second, so the naive baseline (one write per record whatever the stream, a constant
   * by construction) is measured over a prefix to finish within 10 minutes. FleetStream runs every record: a prefix
   * would over-weight a fleet's first records, whose new devices cost a transaction each.
   */
  readonly measured: Readonly<Record<Design, number>>;
}

/** The producer-only phase uses the blog's 1 KB records (generator MB/s). */
export const GENERATOR_RECORD_BYTES = 1024;
/**
 * Workloads use the contract's record as the generator makes it (~190 bytes): a 10,000-record batch then fits the
 * 6 MB invoke payload. Padded to 1 KB, base64 caps a batch near 3,900 records, and "batch 10,000" could not happen.
 */
export const WORKLOAD_RECORD_BYTES: number | undefined = undefined;
export const PARTITIONS = 6;
export const BATCH_SIZE = LAMBDA_LIMITS.batchSize.max;
export const BATCHING_WINDOW_MS = 1_000;
export const SEED = 'fleetstream-bench';

export const WORKLOADS: Readonly<Record<'full' | 'quick', readonly Workload[]>> = {
  full: [
    {
      name: 'hot',
      devices: 100,
      recordsPerDevice: 2_000,
      rate: 10_000,
      measured: { fleetstream: 200_000, naive: 30_000 },
    },
    {
      name: 'wide',
      devices: 10_000,
      recordsPerDevice: 10,
      rate: 5_000,
      measured: { fleetstream: 100_000, naive: 30_000 },
    },
  ],
  quick: [
    {
      name: 'hot',
      devices: 100,
      recordsPerDevice: 300,
      rate: 10_000,
      measured: { fleetstream: 30_000, naive: 3_000 },
    },
    {
      name: 'wide',
      devices: 4_000,
      recordsPerDevice: 5,
      rate: 5_000,
      measured: { fleetstream: 20_000, naive: 3_000 },
    },
  ],
};

export const recordsOf = (w: Workload): number => w.devices * w.recordsPerDevice;

/** Time one design gets to process its workload at a 0 s window: production plus the local backlog. */
export const BASE_DEADLINE_MS = { full: 240_000, quick: 120_000 } as const;
/**
 * Batching windows a design may still wait through after its records are produced: the stream's partial last batch,
 * then the freshness markers' batch (a batch under the size cap waits out the whole window), and two spare.
 */
export const DRAIN_WINDOWS = 4;
/** A design that has not drained by then is stuck, whatever the window: the run fails instead of hanging. */
export const MAX_DEADLINE_MS = 30 * 60_000;

/**
 * How long one design may take before the bench gives up on it. A fixed deadline ended before 30 s batches drained,
 * so the deadline grows with the window: the base plus a few windows, capped.
 */
export const designDeadlineMs = (mode: keyof typeof BASE_DEADLINE_MS, batchingWindowMs: number): number => {
  if (!(Number.isFinite(batchingWindowMs) && batchingWindowMs >= 0))
    throw new RangeError(`batching window must be a finite number of ms ≥ 0, got ${batchingWindowMs}`);
  return Math.min(BASE_DEADLINE_MS[mode] + DRAIN_WINDOWS * batchingWindowMs, MAX_DEADLINE_MS);
};

/** Records for the producer-only phase (generator records/s and MB/s). */
export const GENERATOR_RECORDS = { full: 100_000, quick: 20_000 } as const;

/** Lookup-API load: bounded request count and concurrency, loopback only. */
export const API_LOAD = {
  full: { requests: 2_000, concurrency: 16 },
  quick: { requests: 500, concurrency: 8 },
} as const;
