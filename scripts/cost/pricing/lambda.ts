/** Lambda: how long one invocation runs for a batch, and its requests and compute. */
import { type LineItem, line } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

/** Lambda gives one full vCPU at 1,769 MB; below that, CPU-bound work stretches proportionally. */
export const MB_PER_VCPU = 1769;

export interface Invocations {
  /** Records per invocation. */
  readonly batch: number;
  readonly perSecond: number;
  readonly perMonth: number;
  readonly partitions: number;
}

export interface FunctionSettings {
  readonly memoryMb: number;
  /** In-region DynamoDB latency, and calls in flight per invocation. */
  readonly ddbLatencyMs: number;
  readonly ddbConcurrency: number;
}

export interface LambdaRun {
  readonly durationMs: number;
  readonly gbSeconds: number;
  /** Busy share of one partition's invocation slot; above 1 the processor falls behind. */
  readonly utilisation: number;
}

/** One invocation's duration (CPU, stretched below a vCPU, plus DynamoDB calls) and the month's GB-seconds. */
export const lambdaRun = (
  cpuMsPer1k: number,
  writesPerBatch: number,
  readsPerBatch: number,
  inv: Invocations,
  f: FunctionSettings,
): LambdaRun => {
  const cpuStretch = Math.max(1, MB_PER_VCPU / f.memoryMb);
  const cpuMs = (cpuMsPer1k * inv.batch * cpuStretch) / 1000;
  // Reads go out as BatchGetItem calls of 100 keys, writes one item per request; both `ddbConcurrency` at a time.
  const ioMs = ((Math.ceil(readsPerBatch / 100) + writesPerBatch) * f.ddbLatencyMs) / f.ddbConcurrency;
  const durationMs = cpuMs + ioMs;
  const gbSeconds = inv.perMonth * (durationMs / 1000) * (f.memoryMb / 1024);
  const utilisation = (inv.perSecond / inv.partitions) * (durationMs / 1000);
  return { durationMs, gbSeconds, utilisation };
};

export const lambdaLines = (
  run: LambdaRun,
  inv: Invocations,
  memoryMb: number,
  p: PriceTable,
): LineItem[] => [
  line(
    'Lambda',
    `requests (batch ≈ ${Math.round(inv.batch)} records)`,
    inv.perMonth,
    'requests',
    (inv.perMonth / 1e6) * p.lambda.requestsPerMillion.usd,
  ),
  line(
    'Lambda',
    `compute (${memoryMb} MB arm64, ≈ ${run.durationMs.toFixed(0)} ms/invocation)`,
    run.gbSeconds,
    'GB-s',
    run.gbSeconds * p.lambda.gbSecondArm.usd,
  ),
];
