/**
 * The curated Parquet table: what its hourly compaction costs (Athena scanning the raw hours it reads, S3 storing the
 * Parquet) and what the named queries in docs/queries/ scan in a month over the raw table and over the curated one.
 * Athena bills the bytes it reads: all of a gzip JSON object whatever the query, only the columns a query reads from
 * Parquet. Its own module: model.ts and cost.ts only call it.
 */
import { CURATED_COMPACTION_DEFAULTS } from '#core/contract/lake.ts';
import { GB, type LineItem, line, SECONDS_PER_MONTH } from '#scripts/cost/line-item.ts';
import type { PriceTable } from '#scripts/cost/prices.ts';

/** Athena (engine v3, SQL queries): $5 per TB scanned, 10 MB minimum per query, in every supported region. */
export const ATHENA_USD_PER_TB = 5;
const ATHENA_SOURCE = 'https://aws.amazon.com/athena/pricing/';
const ATHENA_MIN_BYTES = 10 * 1024 ** 2;
const TB = 1e12;

/**
 * Measured by `npm run bench:lake -- --hours 3` at the default rate (docs/SCALING.md "Curated table"): Parquet bytes /
 * raw gzip bytes (0.360), and each column's share of the Parquet bytes (DuckDB parquet_metadata total_compressed_size).
 */
export const CURATED_MEASURED = {
  parquetToGzip: 0.36,
  columnShare: {
    deviceid: 0.0006,
    model: 0.0003,
    interface: 0.0006,
    interfacestatus: 0.0037,
    cpuusage: 0.2584,
    memoryusage: 0.2734,
    event_time: 0.4527,
    source_object: 0.0102,
  },
} as const;

type Column = keyof typeof CURATED_MEASURED.columnShare;

/** The named queries and the columns each reads (raw: every byte of every object in the range). */
export const NAMED_QUERY_COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  'records-per-model-per-hour': ['model'],
  'devices-down': ['deviceid', 'model', 'interfacestatus', 'event_time'],
  'p95-cpu-per-model-per-day': ['model', 'cpuusage'],
};

/** How often each named query runs over a month of data (a daily report). */
export const QUERY_RUNS_PER_MONTH = 30;

/** Raw lines re-read per compacted hour: two runs (first, late) over lateHours + 3 arrival hours. */
const compactionReadFactor = (lateHours: number) => 2 * (lateHours + 3);

/**
 * @param valueGb record values written in a month, in GB
 * @param rawRatio compressed / raw size of the gzip JSON lake
 */
export const curatedLakeLines = (valueGb: number, rawRatio: number, p: PriceTable): LineItem[] => {
  const rawGb = valueGb * rawRatio;
  const scannedTb = (rawGb * compactionReadFactor(CURATED_COMPACTION_DEFAULTS.lateHours) * GB) / TB;
  const curatedGb = rawGb * CURATED_MEASURED.parquetToGzip;
  // Two UNLOADs an hour, a Parquet object or a few each.
  const puts = 2 * 4 * (SECONDS_PER_MONTH / 3600);
  return [
    line(
      'Athena',
      `curated compaction: raw scanned (2 runs/hour × ${CURATED_COMPACTION_DEFAULTS.lateHours + 3} raw hours)`,
      scannedTb,
      'TB',
      scannedTb * ATHENA_USD_PER_TB,
      ATHENA_SOURCE,
    ),
    line(
      'S3',
      `storage of one month of the curated table (Parquet ≈ ${CURATED_MEASURED.parquetToGzip}× the gzip lake)`,
      curatedGb,
      'GB-month',
      curatedGb * p.s3.standardGbMonth.usd,
      'grows by this every month the table is kept',
    ),
    line('S3', 'PUT requests (compaction)', puts, 'requests', (puts / 1000) * p.s3.putPerThousand.usd),
  ];
};

export interface NamedQueryScan {
  readonly query: string;
  readonly rawTbPerMonth: number;
  readonly rawUsdPerMonth: number;
  readonly curatedTbPerMonth: number;
  readonly curatedUsdPerMonth: number;
}

/** Each named query, run QUERY_RUNS_PER_MONTH times over a month of data, over the raw and the curated table. */
export const namedQueryScans = (valueGb: number, rawRatio: number): NamedQueryScan[] => {
  const rawBytes = valueGb * rawRatio * GB;
  const curatedBytes = rawBytes * CURATED_MEASURED.parquetToGzip;
  return Object.entries(NAMED_QUERY_COLUMNS).map(([query, columns]) => {
    const share = columns.reduce((sum, c) => sum + CURATED_MEASURED.columnShare[c], 0);
    const perRun = (bytes: number) => Math.max(ATHENA_MIN_BYTES, bytes);
    const rawTb = (QUERY_RUNS_PER_MONTH * perRun(rawBytes)) / TB;
    const curatedTb = (QUERY_RUNS_PER_MONTH * perRun(curatedBytes * share)) / TB;
    return {
      query,
      rawTbPerMonth: rawTb,
      rawUsdPerMonth: rawTb * ATHENA_USD_PER_TB,
      curatedTbPerMonth: curatedTb,
      curatedUsdPerMonth: curatedTb * ATHENA_USD_PER_TB,
    };
  });
};

/** The month's record values in GB for a scenario (as model.ts computes it). */
export const monthValueGb = (recordsPerSecond: number, recordBytes: number): number =>
  (recordsPerSecond * SECONDS_PER_MONTH * recordBytes) / GB;

const usd = (n: number) => `$${n.toFixed(2)}`;

export const formatNamedQueryScans = (scans: readonly NamedQueryScan[]): string =>
  [
    `Athena scans of the named queries (each run ${QUERY_RUNS_PER_MONTH}×/month over a month of data; $${ATHENA_USD_PER_TB}/TB):`,
    ...scans.map(
      (s) =>
        `  ${s.query.padEnd(28)} raw_telemetry ${s.rawTbPerMonth.toFixed(3)} TB ${usd(s.rawUsdPerMonth).padStart(10)}` +
        `   telemetry ${s.curatedTbPerMonth.toFixed(4)} TB ${usd(s.curatedUsdPerMonth).padStart(9)}`,
    ),
  ].join('\n');
