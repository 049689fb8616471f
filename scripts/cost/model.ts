/**
 * The monthly cost model: FleetStream next to the naive design (the blog's Lambda: one PutItem per record, no data
 * lake). Pure arithmetic over a scenario, a calibration (measured by `npm run bench` or documented defaults) and a
 * price table; every assumption is a named input so the output can state it.
 */
import { PARTITIONS, TABLES } from '#core/contract/index.ts';
import { CONFIG_DEFAULTS } from '#lib/config.ts';
import { GB, type LineItem, SECONDS_PER_MONTH } from './line-item.ts';
import type { PriceTable } from './prices.ts';
import { curatedLakeLines } from './services/curated-lake.ts';
import {
  type DynamoDbUnits,
  dynamoDbRequestLines,
  dynamoDbStorageLine,
  fleetstreamStorageGb,
  fleetstreamUnits,
  naiveUnits,
} from './services/dynamodb.ts';
import { lakeLines, snsLine } from './services/lake.ts';
import { type Invocations, type LambdaRun, lambdaLines, lambdaRun } from './services/lambda.ts';
import { mskLines } from './services/msk.ts';
import { vpcLine } from './services/vpc.ts';

export { HOURS_PER_MONTH, type LineItem, SECONDS_PER_MONTH } from './line-item.ts';

/** MSK Serverless quotas (per cluster / per partition); see docs/SCALING.md. */
export const MSK_QUOTAS = {
  clusterInMBps: 200,
  clusterOutMBps: 400,
  partitionInMBps: 5,
  partitionsPerCluster: PARTITIONS.max,
} as const;

/** The synchronous invoke payload limit bounds an MSK batch: 6 MB of base64 values plus per-record JSON. */
const INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const EVENT_BYTES_PER_RECORD = 150;

export interface Scenario {
  /** Fleet size. */
  readonly devices: number;
  /** Records per second over the whole fleet (as `npm run generate -- --rate`). */
  readonly recordsPerSecond: number;
  /** Bytes per record value. */
  readonly recordBytes: number;
}

/** Deployment settings and modelling assumptions; defaults match lib/config.ts. */
export interface Assumptions {
  /** Topic partitions; 0 = derive from throughput (at least 6). */
  readonly partitions: number;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /**
   * Records a device sends at once (a modem's report: one record per interface, as the generator sends them). They
   * land in one batch, so a batch spans fewer devices. 1 = every record on its own (the blog's producer; worst case).
   */
  readonly recordsPerReport: number;
  readonly memoryMb: number;
  /** Kafka bytes per record beyond the value (key, headers, record framing). */
  readonly kafkaOverheadBytes: number;
  /** The producers' Kafka codec (both designs read the same producers' topic). */
  readonly compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /**
   * Bytes on the wire / uncompressed bytes for that codec (bench: compression.<codec>.ratio). MSK bills the bytes
   * produced, so data in, out and storage (and partition throughput) scale by it; Firehose bills the larger of bytes
   * ingested and delivered, i.e. the uncompressed values it writes, so the lake lines do not.
   */
  readonly wireRatio: number;
  /** Keep each partition / cluster at this share of its quota. */
  readonly quotaHeadroom: number;
  readonly mskRetentionDays: number;
  readonly windowRetentionDays: number;
  /** Compressed / raw size of the gzip JSON lake. */
  readonly lakeCompressionRatio: number;
  /**
   * Share of device writes whose fleet contribution (model, status) changes. Each is counted with one write of its
   * partition's fleet item: an upper bound, since the processor commits up to 99 such devices with one.
   */
  readonly contributionChangeShare: number;
  /** In-region DynamoDB write latency, and writes in flight per invocation (both designs). */
  readonly ddbLatencyMs: number;
  readonly ddbConcurrency: number;
  /** Global secondary indexes on device items (byStatus, byModel). */
  readonly deviceGsis: number;
  /**
   * 'keys-only' (as deployed: byStatus projects keys + model, byModel keys only): an index entry is written only when
   * its key (status, model) changes — a delete and a put, 1 WCU each. 'all': every device write rewrites its entries.
   */
  readonly gsiProjection: 'all' | 'keys-only';
  readonly availabilityZones: number;
  readonly interfaceEndpoints: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  // The default profile's partitions (more if the fleet's throughput needs them): what a default deployment runs.
  partitions: CONFIG_DEFAULTS.topicPartitions,
  batchSize: CONFIG_DEFAULTS.processor.batchSize,
  batchingWindowSeconds: CONFIG_DEFAULTS.processor.maxBatchingWindowSeconds,
  recordsPerReport: 1,
  memoryMb: CONFIG_DEFAULTS.processor.memoryMb,
  kafkaOverheadBytes: 40,
  compression: 'none',
  wireRatio: 1,
  quotaHeadroom: 0.8,
  mskRetentionDays: 7,
  windowRetentionDays: CONFIG_DEFAULTS.windowRetentionDays,
  lakeCompressionRatio: 0.2,
  contributionChangeShare: 0.02,
  ddbLatencyMs: 8,
  ddbConcurrency: 16,
  deviceGsis: TABLES.state.indexes.length,
  gsiProjection: 'keys-only',
  availabilityZones: CONFIG_DEFAULTS.vpc.maxAzs,
  interfaceEndpoints: 3, // lib/constructs/network.ts INTERFACE_ENDPOINTS (Lambda, STS, SQS); a test keeps them equal
};

/** Per-design figures the bench measures; defaults stand in when no results file exists. */
export interface DesignCalibration {
  /** Processor CPU milliseconds per 1,000 records (with cpuMsPerItemWrite: the part that is not DynamoDB calls). */
  readonly cpuMsPer1k: number;
  /** CPU milliseconds per DynamoDB item write (SDK request cost), when measured; added per modelled write. */
  readonly cpuMsPerItemWrite?: number;
  /** WCU per item write: base table only, or with the deployed (keys-only) index writes when `wcuIncludesIndexes`. */
  readonly wcuPerItemWrite: number;
  /**
   * Set when the WCU come from the bench: DynamoDB Local reports index writes in its consumed capacity (probed: a put
   * that changes `status` reports 1 table + 2 byStatus units), so the keys-only index writes are already in them.
   */
  readonly wcuIncludesIndexes?: boolean;
  /** Item reads per item write. */
  readonly readsPerItemWrite: number;
  /** RRU per item read (strongly consistent, item ≤ 4 KB = 1; eventually consistent = 0.5), from the bench's split when present. */
  readonly rruPerItemRead: number;
  /** When set, item writes / reads per 1,000 records are taken as measured instead of modelled. */
  readonly measuredWritesPer1k?: number;
  readonly measuredReadsPer1k?: number;
  readonly measuredWcuPer1k?: number;
}

export interface Calibration {
  /** Where the figures come from, printed with the output. */
  readonly source: string;
  readonly fleetstream: DesignCalibration;
  readonly naive: DesignCalibration;
  /** Base-table WCU of one device item write, to price its GSI copies. */
  readonly deviceItemWcu: number;
  readonly deviceItemBytes: number;
  readonly windowItemBytes: number;
  readonly naiveItemBytes: number;
}

export const DEFAULT_CALIBRATION: Calibration = {
  source: 'defaults (no bench/results/latest.json): estimates, run `npm run bench` to measure',
  fleetstream: { cpuMsPer1k: 60, wcuPerItemWrite: 1.5, readsPerItemWrite: 1, rruPerItemRead: 1 },
  // The blog's item is the record's fields (~200 bytes): 1 WCU; it reads nothing.
  naive: { cpuMsPer1k: 120, wcuPerItemWrite: 1, readsPerItemWrite: 0, rruPerItemRead: 1 },
  deviceItemWcu: 2,
  deviceItemBytes: 1200,
  windowItemBytes: 350,
  naiveItemBytes: 250,
};

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

export const validateScenario = (s: Scenario): void => {
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
export const designCost = (
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
