/**
 * The monthly cost model: FleetStream next to the naive design (the blog's Lambda: one PutItem per record, no data
 * lake). Pure arithmetic over a scenario, a calibration (measured by `npm run bench` or documented defaults) and a
 * price table; every assumption is a named input so the output can state it.
 */
import { PARTITIONS, TABLES } from '#core/contract/index.ts';
import { CONFIG_DEFAULTS } from '#lib/config.ts';
import type { PriceTable } from './prices.ts';

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const GIB = 1024 ** 3;
const GB = 1e9;

/** MSK Serverless quotas (per cluster / per partition); see docs/SCALING.md. */
export const MSK_QUOTAS = {
  clusterInMBps: 200,
  clusterOutMBps: 400,
  partitionInMBps: 5,
  partitionsPerCluster: PARTITIONS.max,
} as const;

/** Lambda gives one full vCPU at 1,769 MB; below that, CPU-bound work stretches proportionally. */
const MB_PER_VCPU = 1769;
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
  /** Keep each partition / cluster at this share of its quota. */
  readonly quotaHeadroom: number;
  readonly mskRetentionDays: number;
  readonly windowRetentionDays: number;
  /** Compressed / raw size of the gzip JSON lake. */
  readonly lakeCompressionRatio: number;
  /**
   * Share of device writes whose fleet contribution (model, status) changes. Each is counted with one fleet-devices
   * shard write: an upper bound, since the processor shares one shard write among up to 99 such devices.
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
  partitions: 0,
  batchSize: CONFIG_DEFAULTS.processor.batchSize,
  batchingWindowSeconds: CONFIG_DEFAULTS.processor.maxBatchingWindowSeconds,
  recordsPerReport: 1,
  memoryMb: CONFIG_DEFAULTS.processor.memoryMb,
  kafkaOverheadBytes: 40,
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
  interfaceEndpoints: 2,
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
  /** RRU per item read (strongly consistent, item ≤ 4 KB = 1). */
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

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  readonly note?: string;
}

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

const line = (
  service: string,
  item: string,
  quantity: number,
  unit: string,
  usd: number,
  note?: string,
): LineItem => ({
  service,
  item,
  quantity,
  unit,
  usd,
  ...(note ? { note } : {}),
});

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
  const wireBytesPerRecord = recordBytes + a.kafkaOverheadBytes;
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

  const gib = (bytes: number) => bytes / GIB;
  const monthBytesIn = recordsPerMonth * wireBytesPerRecord;
  const valueGb = (recordsPerMonth * recordBytes) / GB;
  const p = prices;

  const mskLines = (readers: number): LineItem[] => [
    line(
      'MSK Serverless',
      'cluster-hours',
      clusters * HOURS_PER_MONTH,
      'cluster-h',
      clusters * HOURS_PER_MONTH * p.msk.clusterHour.usd,
    ),
    line(
      'MSK Serverless',
      `partition-hours (${partitions} partitions)`,
      partitions * HOURS_PER_MONTH,
      'partition-h',
      partitions * HOURS_PER_MONTH * p.msk.partitionHour.usd,
    ),
    line('MSK Serverless', 'data in', gib(monthBytesIn), 'GiB', gib(monthBytesIn) * p.msk.dataInGib.usd),
    line(
      'MSK Serverless',
      `data out (${readers} reader${readers > 1 ? 's' : ''})`,
      gib(monthBytesIn * readers),
      'GiB',
      gib(monthBytesIn * readers) * p.msk.dataOutGib.usd,
    ),
    line(
      'MSK Serverless',
      `storage (${a.mskRetentionDays}-day retention)`,
      gib(monthBytesIn) * (a.mskRetentionDays / 30.42),
      'GiB-month',
      gib(monthBytesIn) * (a.mskRetentionDays / 30.42) * p.msk.storageGibMonth.usd,
    ),
  ];

  const vpcLine = () => {
    const hours = a.interfaceEndpoints * a.availabilityZones * HOURS_PER_MONTH;
    return line(
      'VPC',
      `interface endpoints (${a.interfaceEndpoints} × ${a.availabilityZones} AZ)`,
      hours,
      'endpoint-AZ-h',
      hours * p.vpc.interfaceEndpointAzHour.usd,
      'Lambda + STS for the MSK event source without a NAT; a NAT gateway costs more',
    );
  };

  const lambdaFor = (cpuMsPer1k: number, writesPerBatch: number, readsPerBatch: number) => {
    const cpuStretch = Math.max(1, MB_PER_VCPU / a.memoryMb);
    const cpuMs = (cpuMsPer1k * batch * cpuStretch) / 1000;
    // Reads go out as BatchGetItem calls of 100 keys, writes one item per request; both `ddbConcurrency` at a time.
    const ioMs = ((Math.ceil(readsPerBatch / 100) + writesPerBatch) * a.ddbLatencyMs) / a.ddbConcurrency;
    const durationMs = cpuMs + ioMs;
    const gbSeconds = invocationsPerMonth * (durationMs / 1000) * (a.memoryMb / 1024);
    const utilisation = (invocationsPerSecond / partitions) * (durationMs / 1000);
    return { durationMs, gbSeconds, utilisation };
  };

  const lambdaLines = (gbSeconds: number, durationMs: number): LineItem[] => [
    line(
      'Lambda',
      `requests (batch ≈ ${Math.round(batch)} records)`,
      invocationsPerMonth,
      'requests',
      (invocationsPerMonth / 1e6) * p.lambda.requestsPerMillion.usd,
    ),
    line(
      'Lambda',
      `compute (${a.memoryMb} MB arm64, ≈ ${durationMs.toFixed(0)} ms/invocation)`,
      gbSeconds,
      'GB-s',
      gbSeconds * p.lambda.gbSecondArm.usd,
    ),
  ];

  /** On-demand write and read request units, from units per 1,000 records. */
  const dynamoDbLines = (wruPer1k: number, rruPer1k: number, writeNote = ''): LineItem[] => [
    line(
      'DynamoDB',
      `write request units (${wruPer1k.toFixed(1)}/1k records${writeNote})`,
      (recordsPerMonth / 1000) * wruPer1k,
      'WRU',
      ((recordsPerMonth / 1000) * wruPer1k * p.dynamodb.writeRequestUnitsPerMillion.usd) / 1e6,
    ),
    line(
      'DynamoDB',
      `read request units (${rruPer1k.toFixed(1)}/1k records)`,
      (recordsPerMonth / 1000) * rruPer1k,
      'RRU',
      ((recordsPerMonth / 1000) * rruPer1k * p.dynamodb.readRequestUnitsPerMillion.usd) / 1e6,
    ),
  ];

  // ---- FleetStream ----
  const fs = calibration.fleetstream;
  const modelWritesPerBatch = devicesPerBatch * (1 + a.contributionChangeShare) + windowsPerBatch + 1;
  const fsWritesPer1k = fs.measuredWritesPer1k ?? (modelWritesPerBatch / batch) * 1000;
  const fsReadsPer1k = fs.measuredReadsPer1k ?? fsWritesPer1k * fs.readsPerItemWrite;
  const fsDeviceWritesPer1k =
    fs.measuredWritesPer1k !== undefined
      ? fs.measuredWritesPer1k * (devicesPerBatch / modelWritesPerBatch)
      : (devicesPerBatch / batch) * 1000;
  const fsBaseWruPer1k = fs.measuredWcuPer1k ?? fsWritesPer1k * fs.wcuPerItemWrite;
  // With projection ALL every device write is written again to each index; with KEYS_ONLY only a changed status or
  // model moves an entry (delete + put), which measured WCU already hold (then ALL slightly double-counts those).
  const keysOnlyGsiWruPer1k = fs.wcuIncludesIndexes
    ? 0
    : fsDeviceWritesPer1k * a.deviceGsis * a.contributionChangeShare * 2;
  const fsGsiWruPer1k =
    a.gsiProjection === 'all'
      ? fsDeviceWritesPer1k * a.deviceGsis * calibration.deviceItemWcu
      : keysOnlyGsiWruPer1k;
  const fsWruPer1k = fsBaseWruPer1k + fsGsiWruPer1k;
  const fsRruPer1k = fsReadsPer1k * fs.rruPerItemRead;
  const fsCpuMsPer1k = fs.cpuMsPer1k + (fs.cpuMsPerItemWrite ?? 0) * fsWritesPer1k;
  const fsLambda = lambdaFor(fsCpuMsPer1k, (fsWritesPer1k * batch) / 1000, (fsReadsPer1k * batch) / 1000);
  const perDeviceRate = rate / devices;
  const windowsPerDevice = Math.min(1440, perDeviceRate * 86_400) * a.windowRetentionDays;
  const fsStorageGb =
    (devices * calibration.deviceItemBytes * (1 + a.deviceGsis) +
      devices * windowsPerDevice * calibration.windowItemBytes) /
    GB;
  const lakeGb = valueGb * a.lakeCompressionRatio;
  const lakeObjects = Math.max(SECONDS_PER_MONTH / 300, (lakeGb * GB) / (64 * 1024 * 1024));

  const fsLines: LineItem[] = [
    ...mskLines(2),
    ...lambdaLines(fsLambda.gbSeconds, fsLambda.durationMs),
    ...dynamoDbLines(fsWruPer1k, fsRruPer1k, ` incl. GSIs, projection ${a.gsiProjection}`),
    line(
      'DynamoDB',
      `storage (devices + GSIs + ${a.windowRetentionDays} days of 1-minute windows)`,
      fsStorageGb,
      'GB-month',
      fsStorageGb * p.dynamodb.storageGbMonth.usd,
    ),
    line('Firehose', 'ingested from MSK (raw archive)', valueGb, 'GB', valueGb * p.firehose.mskSourceGb.usd),
    line(
      'S3',
      `storage of one month of raw data (gzip ≈ ${a.lakeCompressionRatio}×)`,
      lakeGb,
      'GB-month',
      lakeGb * p.s3.standardGbMonth.usd,
      'grows by this every month the lake is kept',
    ),
    line(
      'S3',
      'PUT requests (Firehose objects)',
      lakeObjects,
      'requests',
      (lakeObjects / 1000) * p.s3.putPerThousand.usd,
    ),
    vpcLine(),
    line(
      'SNS',
      'alert notifications',
      0,
      'publishes',
      0,
      'negligible: edge-triggered alerts, not per record',
    ),
  ];

  // ---- naive: one PutItem per record (reading every partition), no lake ----
  const nv = calibration.naive;
  const nvWritesPer1k = nv.measuredWritesPer1k ?? 1000;
  const nvReadsPer1k = nv.measuredReadsPer1k ?? nvWritesPer1k * nv.readsPerItemWrite;
  const nvWruPer1k = nv.measuredWcuPer1k ?? nvWritesPer1k * nv.wcuPerItemWrite;
  const nvRruPer1k = nvReadsPer1k * nv.rruPerItemRead;
  const nvLambda = lambdaFor(nv.cpuMsPer1k, (nvWritesPer1k * batch) / 1000, (nvReadsPer1k * batch) / 1000);
  const nvStorageGb = (devices * calibration.naiveItemBytes) / GB;
  const nvLines: LineItem[] = [
    ...mskLines(1),
    ...lambdaLines(nvLambda.gbSeconds, nvLambda.durationMs),
    ...dynamoDbLines(nvWruPer1k, nvRruPer1k),
    line(
      'DynamoDB',
      'storage (latest record per device)',
      nvStorageGb,
      'GB-month',
      nvStorageGb * p.dynamodb.storageGbMonth.usd,
    ),
    vpcLine(),
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

  const design = (
    name: DesignCost['design'],
    lines: LineItem[],
    writes: number,
    reads: number,
    wru: number,
    l: typeof fsLambda,
  ): DesignCost => ({
    design: name,
    lines,
    totalUsd: lines.reduce((sum, x) => sum + x.usd, 0),
    itemWritesPer1k: writes,
    itemReadsPer1k: reads,
    wruPer1k: wru,
    lambdaDurationMs: l.durationMs,
    partitionUtilisation: l.utilisation,
  });

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
    fleetstream: design('fleetstream', fsLines, fsWritesPer1k, fsReadsPer1k, fsWruPer1k, fsLambda),
    naive: design('naive', nvLines, nvWritesPer1k, nvReadsPer1k, nvWruPer1k, nvLambda),
    warnings,
  };
};
