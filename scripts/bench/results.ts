/**
 * bench/results/latest.json: the shape defined below (README "What it costs and how fast it is" quotes it). Built here
 * from measurements, validated here when read back (by `npm run cost`), so the writer and the readers cannot drift
 * apart.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AlertLatencyResult, alertLatencyShapeErrors } from './alert-latency-results.ts';
import { emptyEvents, type FloorEvents, floors } from './floor.ts';
import { type ProducerComparison, producerComparisonShapeErrors } from './producer-perf-results.ts';
import { type SustainedResult, sustainedShapeErrors } from './sustained.ts';
import { ITEM_KINDS, type UnitSplit } from './unit-split.ts';

export const WORKLOAD_NAMES = ['hot', 'wide'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
export const DESIGNS = ['fleetstream', 'naive'] as const;
export type Design = (typeof DESIGNS)[number];

export interface DesignResult {
  recordsPerSec: number;
  ddbWriteRequestsPer1k: number;
  ddbReadRequestsPer1k: number;
  ddbWcuPer1k: number;
  cpuMsPer1k: number;
  freshnessP50Ms: number;
  freshnessP99Ms: number;
  /** Units per 1,000 records by item kind, and item sizes (unit-split.ts); absent in results from before the split. */
  units?: UnitsResult;
}

const SPLIT_WRITES = [...ITEM_KINDS, 'index'] as const;
export interface UnitsResult {
  wcuPer1k: Record<(typeof SPLIT_WRITES)[number], number>;
  rcuPer1k: Record<(typeof ITEM_KINDS)[number], number>;
  /** Bytes of the items written, per kind (0 when none were). */
  itemBytes: Record<(typeof ITEM_KINDS)[number], { p50: number; p99: number }>;
  /** The run's write-unit floors from its workload events (floor.ts); absent in results from before them. */
  floor?: FloorResult;
}

export interface FloorResult {
  strictWcuPer1k: number;
  exactlyOnceWcuPer1k: number;
  eventsPer1k: FloorEvents;
}

const FLOOR_EVENTS = Object.keys(emptyEvents()) as (keyof FloorEvents)[];

export interface WorkloadResult {
  records: number;
  devices: number;
  fleetstream: DesignResult;
  naive: DesignResult;
}

export interface BenchResults {
  generator: { recordsPerSec: number; mbPerSec: number };
  api: { p50Ms: number; p99Ms: number; requestsPerSec: number };
  bundles: { stateProcessorBytes: number; lookupApiBytes: number; stateProcessorInitMs: number };
  workloads: Record<WorkloadName, WorkloadResult>;
  /** Bytes on the wire per Kafka codec over the generator's stream (absent in results from before issue 14). */
  compression?: Record<CompressionName, CompressionResult>;
  /** `npm run bench -- --sustained`: npm start at a steady rate for minutes (issue 22; sustained.ts). */
  sustained?: SustainedResult;
  /** `npm run bench -- --producer-perf`: the generator beside Kafka's ProducerPerformance (producer-perf.ts). */
  producerComparison?: ProducerComparison;
  /** POST /ingest next to the generator's direct Kafka rate of the same run (scripts/bench/ingest.ts; issue 24). */
  ingest?: IngestBenchResult;
  /** `npm run bench -- --alert-latency`: record → alert notification per profile, and silence (issue 21). */
  alertLatency?: AlertLatencyResult;
  /** `npm run bench:lake`: a day of raw archive vs the curated table (issue 23; scripts/lake/bench-report.ts). */
  lake?: Record<string, unknown>;
}

export interface IngestBenchResult {
  /** Records acknowledged per second through POST /ingest (local API server → ingest app → Kafka, acks=all). */
  recordsPerSec: number;
  /** Request latency, batches of `batchRecords`. */
  p50Ms: number;
  p99Ms: number;
  batchRecords: number;
  /** The generator's direct-Kafka records/s in the same run, with the same records. */
  directRecordsPerSec: number;
  /** recordsPerSec / directRecordsPerSec (done when ≥ 0.25). */
  ratioToDirect: number;
}

export const INGEST_FIELDS: readonly (keyof IngestBenchResult)[] = [
  'recordsPerSec',
  'p50Ms',
  'p99Ms',
  'batchRecords',
  'directRecordsPerSec',
  'ratioToDirect',
];

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

export interface CompressionResult {
  /** Record-batch bytes per record, batch headers included (what MSK bills in, out and stores). */
  bytesPerRecord: number;
  /** bytesPerRecord / the uncompressed one. */
  ratio: number;
  /** Records encoded and compressed per second on one core, in-process. */
  encodeRecordsPerSec: number;
  /** The generator's acknowledged records/s against the local broker with this codec. */
  producerRecordsPerSec: number;
}

const COMPRESSION_FIELDS: readonly (keyof CompressionResult)[] = [
  'bytesPerRecord',
  'ratio',
  'encodeRecordsPerSec',
  'producerRecordsPerSec',
];

export const LATEST_RESULTS_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../bench/results/latest.json',
);

const DESIGN_FIELDS: readonly (keyof DesignResult)[] = [
  'recordsPerSec',
  'ddbWriteRequestsPer1k',
  'ddbReadRequestsPer1k',
  'ddbWcuPer1k',
  'cpuMsPer1k',
  'freshnessP50Ms',
  'freshnessP99Ms',
];

/** Raw counts of one design's run over one workload. */
export interface DesignMeasurement {
  records: number;
  /** Wall time spent inside handler calls. */
  handlerMs: number;
  cpuMs: number;
  itemWrites: number;
  itemReads: number;
  wcu: number;
  freshnessMs: number[];
  split?: UnitSplit;
}

const per1k = (count: number, records: number): number => (records > 0 ? (count / records) * 1000 : 0);

/** Rounds for the file: enough digits to compare runs, no float noise. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const designResult = (
  m: DesignMeasurement,
  percentile: (xs: number[], p: number) => number,
): DesignResult => ({
  recordsPerSec: round(m.handlerMs > 0 ? (m.records / m.handlerMs) * 1000 : 0, 0),
  ddbWriteRequestsPer1k: round(per1k(m.itemWrites, m.records), 3),
  ddbReadRequestsPer1k: round(per1k(m.itemReads, m.records), 3),
  ddbWcuPer1k: round(per1k(m.wcu, m.records), 3),
  cpuMsPer1k: round(per1k(m.cpuMs, m.records), 1),
  freshnessP50Ms: round(percentile(m.freshnessMs, 50), 0),
  freshnessP99Ms: round(percentile(m.freshnessMs, 99), 0),
  ...(m.split === undefined ? {} : { units: unitsResult(m.split, m.records, percentile) }),
});

const perKind = <K extends string>(kinds: readonly K[], f: (k: K) => number | { p50: number; p99: number }) =>
  Object.fromEntries(kinds.map((k) => [k, f(k)]));

export const unitsResult = (
  split: UnitSplit,
  records: number,
  percentile: (xs: number[], p: number) => number,
): UnitsResult =>
  ({
    wcuPer1k: perKind(SPLIT_WRITES, (k) => round(per1k(split.wcu[k], records), 3)),
    rcuPer1k: perKind(ITEM_KINDS, (k) => round(per1k(split.rcu[k], records), 3)),
    itemBytes: perKind(ITEM_KINDS, (k) => ({
      p50: percentile(split.writtenBytes[k], 50),
      p99: percentile(split.writtenBytes[k], 99),
    })),
    floor: {
      strictWcuPer1k: round(per1k(floors(split.events).strict, records), 3),
      exactlyOnceWcuPer1k: round(per1k(floors(split.events).exactlyOnce, records), 3),
      eventsPer1k: perKind(FLOOR_EVENTS, (k) => round(per1k(split.events[k], records), 3)),
    },
  }) as unknown as UnitsResult;

/** Problems with a parsed results document, empty when it has exactly the contract's shape. */
export const resultsShapeErrors = (doc: unknown): string[] => {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const exactNumbers = (v: unknown, path: string, fields: readonly string[]) => {
    if (!isObj(v)) return void errors.push(`${path} must be an object`);
    for (const f of fields) {
      const x = v[f];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        errors.push(`${path}.${f} must be a number >= 0`);
    }
    for (const k of Object.keys(v))
      if (!fields.includes(k) && !(k === 'units' && path.split('.').length === 3))
        errors.push(`${path}.${k} is not in the contract`);
  };
  const unitsShape = (v: unknown, path: string) => {
    if (!isObj(v)) return;
    if (v.units === undefined) return;
    if (!isObj(v.units)) return void errors.push(`${path}.units must be an object`);
    const u = v.units;
    exactNumbers(u.wcuPer1k, `${path}.units.wcuPer1k`, SPLIT_WRITES);
    exactNumbers(u.rcuPer1k, `${path}.units.rcuPer1k`, ITEM_KINDS);
    if (!isObj(u.itemBytes)) return void errors.push(`${path}.units.itemBytes must be an object`);
    for (const k of ITEM_KINDS) exactNumbers(u.itemBytes[k], `${path}.units.itemBytes.${k}`, ['p50', 'p99']);
    if (u.floor !== undefined) {
      const floor = u.floor;
      if (!isObj(floor)) errors.push(`${path}.units.floor must be an object`);
      else {
        for (const k of Object.keys(floor))
          if (!['strictWcuPer1k', 'exactlyOnceWcuPer1k', 'eventsPer1k'].includes(k))
            errors.push(`${path}.units.floor.${k} is not in the contract`);
        for (const k of ['strictWcuPer1k', 'exactlyOnceWcuPer1k'])
          if (typeof floor[k] !== 'number' || !Number.isFinite(floor[k]) || (floor[k] as number) < 0)
            errors.push(`${path}.units.floor.${k} must be a number >= 0`);
        exactNumbers(floor.eventsPer1k, `${path}.units.floor.eventsPer1k`, FLOOR_EVENTS);
      }
    }
    for (const k of Object.keys(u))
      if (!['wcuPer1k', 'rcuPer1k', 'itemBytes', 'floor'].includes(k))
        errors.push(`${path}.units.${k} is not in the contract`);
  };
  if (!isObj(doc)) return ['results must be an object'];
  const top = [
    'generator',
    'api',
    'bundles',
    'workloads',
    'compression',
    'sustained',
    'producerComparison',
    'ingest',
    'alertLatency',
    'lake',
  ];
  if (doc.lake !== undefined && !isObj(doc.lake)) errors.push('lake must be an object');
  if (doc.sustained !== undefined) errors.push(...sustainedShapeErrors(doc.sustained));
  if (doc.producerComparison !== undefined)
    errors.push(...producerComparisonShapeErrors(doc.producerComparison));
  if (doc.ingest !== undefined) exactNumbers(doc.ingest, 'ingest', INGEST_FIELDS);
  if (doc.alertLatency !== undefined) errors.push(...alertLatencyShapeErrors(doc.alertLatency));
  for (const k of Object.keys(doc)) if (!top.includes(k)) errors.push(`${k} is not in the contract`);
  exactNumbers(doc.generator, 'generator', ['recordsPerSec', 'mbPerSec']);
  exactNumbers(doc.api, 'api', ['p50Ms', 'p99Ms', 'requestsPerSec']);
  exactNumbers(doc.bundles, 'bundles', ['stateProcessorBytes', 'lookupApiBytes', 'stateProcessorInitMs']);
  if (doc.compression !== undefined) {
    const compression = doc.compression;
    if (!isObj(compression)) errors.push('compression must be an object');
    else {
      for (const k of Object.keys(compression))
        if (!(COMPRESSION_NAMES as readonly string[]).includes(k))
          errors.push(`compression.${k} is not in the contract`);
      for (const name of COMPRESSION_NAMES)
        exactNumbers(compression[name], `compression.${name}`, COMPRESSION_FIELDS);
    }
  }
  const workloads = doc.workloads;
  if (!isObj(workloads)) return [...errors, 'workloads must be an object'];
  for (const k of Object.keys(workloads))
    if (!(WORKLOAD_NAMES as readonly string[]).includes(k))
      errors.push(`workloads.${k} is not in the contract`);
  for (const name of WORKLOAD_NAMES) {
    const w = workloads[name];
    const path = `workloads.${name}`;
    if (!isObj(w)) {
      errors.push(`${path} must be an object`);
      continue;
    }
    for (const k of Object.keys(w))
      if (!['records', 'devices', ...DESIGNS].includes(k)) errors.push(`${path}.${k} is not in the contract`);
    for (const f of ['records', 'devices'])
      if (!(Number.isInteger(w[f]) && (w[f] as number) > 0))
        errors.push(`${path}.${f} must be a positive integer`);
    for (const d of DESIGNS) {
      exactNumbers(w[d], `${path}.${d}`, DESIGN_FIELDS);
      unitsShape(w[d], `${path}.${d}`);
    }
  }
  return errors;
};

export const parseResults = (text: string, where = 'results'): BenchResults => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  const errors = resultsShapeErrors(doc);
  if (errors.length > 0) throw new Error(`${where}: ${errors.slice(0, 3).join('; ')}`);
  return doc as BenchResults;
};

/** The latest results, or undefined when the bench has not been run; a malformed file is an error. */
export const readLatestResults = async (path = LATEST_RESULTS_PATH): Promise<BenchResults | undefined> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseResults(text, path);
};
