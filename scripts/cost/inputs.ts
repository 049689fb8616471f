/**
 * The cost model's inputs: the scenario priced, the deployment settings and modelling assumptions (defaults as a default
 * deployment runs), and the calibration the bench measures. The model and each service's lines depend on this module;
 * it depends on neither.
 */
import { TABLES } from '#core/contract/index.ts';
import { CONFIG_DEFAULTS } from '#lib/config.ts';
import { INTERFACE_ENDPOINTS } from '#lib/constructs/network.ts';

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
  interfaceEndpoints: INTERFACE_ENDPOINTS.length,
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
