/** The benchmark's printed table: every figure of the results file, FleetStream next to naive with the ratio. Pure. */
import { table } from '#scripts/cost/format.ts';
import { type BenchResults, type DesignResult, type IngestBenchResult, WORKLOAD_NAMES } from './results.ts';
import { formatRatio, withinFraction } from './stats.ts';

const ROWS: { field: Exclude<keyof DesignResult, 'units'>; label: string; better: 'lower' | 'higher' }[] = [
  { field: 'recordsPerSec', label: 'processor records/s', better: 'higher' },
  { field: 'ddbWriteRequestsPer1k', label: 'DynamoDB write requests / 1k records', better: 'lower' },
  { field: 'ddbReadRequestsPer1k', label: 'DynamoDB read requests / 1k records', better: 'lower' },
  { field: 'ddbWcuPer1k', label: 'DynamoDB WCU / 1k records', better: 'lower' },
  { field: 'cpuMsPer1k', label: 'processor CPU ms / 1k records', better: 'lower' },
  { field: 'freshnessP50Ms', label: 'freshness p50 ms (produce → API)', better: 'lower' },
  { field: 'freshnessP99Ms', label: 'freshness p99 ms', better: 'lower' },
];

const num = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 2 : v < 100 ? 1 : 0 });

/** Done-when targets: write requests per 1k at most 1/50 of naive on hot, 1/2 on wide. */
export const TARGETS = { hot: 50, wide: 2 } as const;

export const targetLines = (r: BenchResults): string[] =>
  WORKLOAD_NAMES.map((name) => {
    const w = r.workloads[name];
    const ok = withinFraction(
      w.fleetstream.ddbWriteRequestsPer1k,
      w.naive.ddbWriteRequestsPer1k,
      TARGETS[name],
    );
    return (
      `${name}: write requests/1k ${num(w.fleetstream.ddbWriteRequestsPer1k)} vs naive ${num(w.naive.ddbWriteRequestsPer1k)} ` +
      `(target ≤ 1/${TARGETS[name]}): ${ok ? 'met' : 'NOT met'}`
    );
  });

/** Measured write units against the run's floors (floor.ts), when the results have them. */
export const floorLines = (r: BenchResults): string[] =>
  WORKLOAD_NAMES.flatMap((name) => {
    const measured = r.workloads[name].fleetstream;
    const floor = measured.units?.floor;
    if (floor === undefined) return [];
    const times = (f: number) => (f > 0 ? `${(measured.ddbWcuPer1k / f).toFixed(2)}×` : 'n/a');
    return [
      `${name}: WCU/1k ${num(measured.ddbWcuPer1k)}; floor from its events: strict ${num(floor.strictWcuPer1k)} ` +
        `(measured ${times(floor.strictWcuPer1k)}), exactly-once ${num(floor.exactlyOnceWcuPer1k)} ` +
        `(measured ${times(floor.exactlyOnceWcuPer1k)})`,
    ];
  });

export const formatBenchTable = (r: BenchResults): string => {
  const parts: string[] = [];
  for (const name of WORKLOAD_NAMES) {
    const w = r.workloads[name];
    parts.push(`Workload "${name}": ${num(w.records)} records over ${num(w.devices)} devices`);
    parts.push(
      table(
        ['metric', 'FleetStream', 'naive', 'FleetStream vs naive'],
        ROWS.map(({ field, label, better }) => [
          label,
          num(w.fleetstream[field]),
          num(w.naive[field]),
          formatRatio(w.fleetstream[field], w.naive[field], better),
        ]),
        [false, true, true, true],
      ),
      '',
    );
  }
  parts.push(
    table(
      ['figure', 'value'],
      [
        ['generator records/s (1 KB records)', num(r.generator.recordsPerSec)],
        ['generator MB/s', num(r.generator.mbPerSec)],
        ['lookup API p50 ms', num(r.api.p50Ms)],
        ['lookup API p99 ms', num(r.api.p99Ms)],
        ['lookup API requests/s', num(r.api.requestsPerSec)],
        ['state-processor bundle bytes', num(r.bundles.stateProcessorBytes)],
        ['lookup-api bundle bytes', num(r.bundles.lookupApiBytes)],
        ['state-processor module init ms', num(r.bundles.stateProcessorInitMs)],
      ],
      [false, true],
    ),
    '',
    ...targetLines(r),
    ...floorLines(r),
    ...(r.ingest === undefined ? [] : formatIngestLines(r.ingest)),
  );
  return parts.join('\n');
};

/** Done-when of issue 24: POST /ingest carries at least this share of the direct-Kafka rate. */
export const INGEST_TARGET = 0.25;

export const formatIngestLines = (i: IngestBenchResult): string[] => [
  `ingest (POST /ingest, ${i.batchRecords}-record batches): ${num(i.recordsPerSec)} records/s, ` +
    `request p50 ${num(i.p50Ms)} ms, p99 ${num(i.p99Ms)} ms`,
  `ingest vs direct Kafka ${num(i.directRecordsPerSec)} records/s: ${(i.ratioToDirect * 100).toFixed(0)}% ` +
    `(target ≥ ${INGEST_TARGET * 100}%): ${i.ratioToDirect >= INGEST_TARGET ? 'met' : 'NOT met'}`,
];
