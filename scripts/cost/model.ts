/**
 * The monthly cost model: FleetStream next to the naive design (the blog's Lambda: one PutItem per record, no data
 * lake). Pure arithmetic over a scenario, a calibration (measured by `npm run bench` or documented defaults) and a
 * price table; every assumption is a named input so the output can state it.
 */
import { PARTITIONS } from '#core/contract/index.ts';
import {
  type Assumptions,
  type Calibration,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_CALIBRATION,
  type Scenario,
} from './inputs.ts';
import { GB, type LineItem, SECONDS_PER_MONTH } from './line-item.ts';
import type { PriceTable } from './prices.ts';
import { curatedLakeLines } from './pricing/curated-lake.ts';
import {
  type DynamoDbUnits,
  dynamoDbRequestLines,
  dynamoDbStorageLine,
  fleetstreamStorageGb,
  fleetstreamUnits,
  naiveUnits,
} from './pricing/dynamodb.ts';
import { lakeLines, snsLine } from './pricing/lake.ts';
import { type Invocations, type LambdaRun, lambdaLines, lambdaRun } from './pricing/lambda.ts';
import { mskLines } from './pricing/msk.ts';
import { vpcLine } from './pricing/vpc.ts';

export { HOURS_PER_MONTH, type LineItem, SECONDS_PER_MONTH } from './line-item.ts';

/** MSK Serverless quotas (per cluster / per partition); see docs/SCALING.md. */
const MSK_QUOTAS = {
  clusterInMBps: 200,
  clusterOutMBps: 400,
  partitionInMBps: 5,
  partitionsPerCluster: PARTITIONS.max,
} as const;

/** The synchronous invoke payload limit bounds an MSK batch: 6 MB of base64 values plus per-record JSON. */
const INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const EVENT_BYTES_PER_RECORD = 150;

export interface DesignCost {
  readonly design: 'fleetstream' | 'naive';
  readonly lines: LineItem[];
  readonly totalUsd: number;
  readonly itemWritesPer1k: number;
  readonly itemReadsPer1k: number;
  readonly wruPer1k: number;
  readonly lambdaDurationMs: number;
  /** Busy share of one partition's invocation slot; above 1 the processor falls behind. */
  readonly partitionUtilisation: number;
}

export interface Derived {
  readonly recordsPerMonth: number;
  readonly ingressMBps: number;
  readonly partitions: number;
  readonly clusters: number;
  readonly recordsPerBatch: number;
  readonly invocationsPerSecond: number;
  readonly devicesPerBatch: number;
  readonly windowsPerBatch: number;
}

export interface CostReport {
  readonly scenario: Scenario;
  readonly assumptions: Assumptions;
  readonly calibrationSource: string;
  readonly region: string;
  readonly derived: Derived;
  readonly fleetstream: DesignCost;
  readonly naive: DesignCost;
  readonly warnings: string[];
}

const validateScenario = (s: Scenario): void => {
  if (!(Number.isInteger(s.devices) && s.devices >= 1))
    throw new Error(`devices must be an integer >= 1, got ${s.devices}`);
  if (!(Number.isFinite(s.recordsPerSecond) && s.recordsPerSecond > 0))
    throw new Error(`records per second must be > 0, got ${s.recordsPerSecond}`);
  if (!(Number.isInteger(s.recordBytes) && s.recordBytes >= 1 && s.recordBytes <= 8 * 1024 * 1024))
    throw new Error(`record bytes must be an integer from 1 to 8 MiB, got ${s.recordBytes}`);
};

/** Expected distinct values among `draws` uniform draws from `n` (devices seen in a batch). */
export const expectedDistinct = (n: number, draws: number): number => {
  if (n <= 1) return Math.min(n, draws);
  return n * -Math.expm1(draws * Math.log1p(-1 / n));
};

/** Records one invocation gets from one partition: the batch size, the window's worth, or the payload limit. */
export const recordsPerBatch = (perPartitionRate: number, recordBytes: number, a: Assumptions): number => {
  const payloadCap = Math.floor(
    INVOKE_PAYLOAD_BYTES / (Math.ceil(recordBytes / 3) * 4 + EVENT_BYTES_PER_RECORD),
  );
  const windowed = perPartitionRate * a.batchingWindowSeconds;
  return Math.max(1, Math.min(a.batchSize, payloadCap, windowed));
};

/** Partitions and clusters needed to keep ingress under the quotas with headroom. */
export const sizeKafka = (ingressMBps: number, egressMBps: number, a: Assumptions) => {
  const byThroughput = Math.ceil(ingressMBps / (MSK_QUOTAS.partitionInMBps * a.quotaHeadroom));
  const partitions = a.partitions > 0 ? a.partitions : Math.max(6, byThroughput);
  const clusters = Math.max(
    1,
    Math.ceil(ingressMBps / (MSK_QUOTAS.clusterInMBps * a.quotaHeadroom)),
    Math.ceil(egressMBps / (MSK_QUOTAS.clusterOutMBps * a.quotaHeadroom)),
    Math.ceil(partitions / MSK_QUOTAS.partitionsPerCluster),
  );
  return { partitions, clusters, byThroughput };
};

/** One design's bill: its lines, their total and the figures behind them. */
const designCost = (
  design: DesignCost['design'],
  lines: LineItem[],
  units: DynamoDbUnits,
  run: LambdaRun,
): DesignCost => ({
  design,
  lines,
  totalUsd: lines.reduce((sum, x) => sum + x.usd, 0),
  itemWritesPer1k: units.writesPer1k,
  itemReadsPer1k: units.readsPer1k,
  wruPer1k: units.wruPer1k,
  lambdaDurationMs: run.durationMs,
  partitionUtilisation: run.utilisation,
});

/** The month's bill for both designs: sizes Kafka and the batches, then composes one pure function per service. */
export const computeCost = (
  scenario: Scenario,
  prices: PriceTable,
  calibration: Calibration = DEFAULT_CALIBRATION,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): CostReport => {
  validateScenario(scenario);
  const a = assumptions;
  const { devices, recordsPerSecond: rate, recordBytes } = scenario;
  const warnings: string[] = [];

  const recordsPerMonth = rate * SECONDS_PER_MONTH;
  if (!(a.wireRatio > 0 && a.wireRatio <= 1.5))
    throw new Error(`wire ratio must be within (0, 1.5], got ${a.wireRatio}`);
  const wireBytesPerRecord = (recordBytes + a.kafkaOverheadBytes) * a.wireRatio;
  const ingressMBps = (rate * wireBytesPerRecord) / 1e6;
  // FleetStream reads the topic twice (processor + Firehose); the naive design once.
  const kafka = sizeKafka(ingressMBps, 2 * ingressMBps, a);
  const { partitions, clusters } = kafka;
  if (a.partitions > 0 && kafka.byThroughput > a.partitions) {
    warnings.push(
      `${a.partitions} partitions exceed ${MSK_QUOTAS.partitionInMBps} MB/s in each at ${ingressMBps.toFixed(1)} MB/s; ` +
        `use at least ${kafka.byThroughput}`,
    );
  }
  if (clusters > 1) {
    warnings.push(
      `${ingressMBps.toFixed(0)} MB/s in (or ${partitions} partitions) needs ${clusters} MSK Serverless clusters: ` +
        'split the fleet by device-id range, one topic + processor per cluster (docs/SCALING.md)',
    );
  }
  if (wireBytesPerRecord > 8 * 1024 * 1024)
    warnings.push('records above 8 MiB exceed the MSK Serverless message limit');

  // Keyed records: each partition sees its share of devices and of the rate.
  const partitionRate = rate / partitions;
  const partitionDevices = Math.max(1, devices / partitions);
  const batch = recordsPerBatch(partitionRate, recordBytes, a);
  const invocationsPerSecond = rate / batch;
  const invocationsPerMonth = invocationsPerSecond * SECONDS_PER_MONTH;
  const batchSpanSeconds = batch / partitionRate;
  const devicesPerBatch = expectedDistinct(partitionDevices, batch / a.recordsPerReport);
  // The open minute lives in the device item: a window item is written only when a device's minute closes, which
  // happens in a batch with probability ≈ span / 60 s.
  const windowsPerBatch = Math.min(batch, devicesPerBatch * Math.min(1, batchSpanSeconds / 60));

  const monthBytesIn = recordsPerMonth * wireBytesPerRecord;
  const valueGb = (recordsPerMonth * recordBytes) / GB;
  const p = prices;
  const invocations: Invocations = {
    batch,
    perSecond: invocationsPerSecond,
    perMonth: invocationsPerMonth,
    partitions,
  };
  const msk = (readers: number) =>
    mskLines({ clusters, partitions, monthBytesIn, readers, retentionDays: a.mskRetentionDays }, p);
  const run = (units: DynamoDbUnits): LambdaRun =>
    lambdaRun(
      units.cpuMsPer1k,
      (units.writesPer1k * batch) / 1000,
      (units.readsPer1k * batch) / 1000,
      invocations,
      a,
    );

  // ---- FleetStream ----
  const fs = fleetstreamUnits({ batch, devicesPerBatch, windowsPerBatch }, calibration, a);
  const fsLambda = run(fs);
  const fsStorageGb = fleetstreamStorageGb(devices, rate, calibration, a);
  const fsLines: LineItem[] = [
    ...msk(2),
    ...lambdaLines(fsLambda, invocations, a.memoryMb, p),
    ...dynamoDbRequestLines(recordsPerMonth, fs, p, ` incl. GSIs, projection ${a.gsiProjection}`),
    dynamoDbStorageLine(`devices + GSIs + ${a.windowRetentionDays} days of 1-minute windows`, fsStorageGb, p),
    ...lakeLines(valueGb, a.lakeCompressionRatio, p),
    ...curatedLakeLines(valueGb, a.lakeCompressionRatio, p),
    vpcLine(a.interfaceEndpoints, a.availabilityZones, p),
    snsLine(),
  ];

  // ---- naive: one PutItem per record (reading every partition), no lake ----
  const nv = naiveUnits(calibration);
  const nvLambda = run(nv);
  const nvStorageGb = (devices * calibration.naiveItemBytes) / GB;
  const nvLines: LineItem[] = [
    ...msk(1),
    ...lambdaLines(nvLambda, invocations, a.memoryMb, p),
    ...dynamoDbRequestLines(recordsPerMonth, nv, p),
    dynamoDbStorageLine('latest record per device', nvStorageGb, p),
    vpcLine(a.interfaceEndpoints, a.availabilityZones, p),
  ];

  for (const [name, l] of [
    ['FleetStream', fsLambda],
    ['naive', nvLambda],
  ] as const) {
    if (l.utilisation > 1) {
      warnings.push(
        `${name}: one invocation per partition is busy ${(l.utilisation * 100).toFixed(0)}% of the time — it falls behind; ` +
          'add partitions or memory (docs/SCALING.md)',
      );
    }
  }

  return {
    scenario,
    assumptions: a,
    calibrationSource: calibration.source,
    region: prices.region,
    derived: {
      recordsPerMonth,
      ingressMBps,
      partitions,
      clusters,
      recordsPerBatch: batch,
      invocationsPerSecond,
      devicesPerBatch,
      windowsPerBatch,
    },
    fleetstream: designCost('fleetstream', fsLines, fs, fsLambda),
    naive: designCost('naive', nvLines, nv, nvLambda),
    warnings,
  };
};
