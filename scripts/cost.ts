/**
 * `npm run cost -- --devices N --rate R --record-bytes B [--region us-east-1] [--json]`: the monthly bill of
 * FleetStream next to the naive one-PutItem-per-record design, calibrated by bench/results/latest.json when present.
 */
import { pathToFileURL } from 'node:url';
import { INGEST_MAX_RECORDS, LAMBDA_LIMITS, PARTITIONS } from '#core/contract/index.ts';
import {
  type BenchResults,
  COMPRESSION_NAMES,
  type CompressionName,
  LATEST_RESULTS_PATH,
  readLatestResults,
} from './bench/results.ts';
import { CALIBRATIONS, calibrationFrom } from './cost/calibration.ts';
import { capBounds, formatCaps } from './cost/caps.ts';
import { formatReport } from './cost/format.ts';
import { type Assumptions, DEFAULT_ASSUMPTIONS } from './cost/inputs.ts';
import { computeCost } from './cost/model.ts';
import { PRICE_TABLES, PRICES_CHECKED_ON, SUPPORTED_REGIONS } from './cost/prices.ts';
import { formatNamedQueryScans, monthValueGb, namedQueryScans } from './cost/pricing/curated-lake.ts';
import {
  DEFAULT_INGEST_ASSUMPTIONS,
  formatFrontDoor,
  frontDoorCost,
  type IngestAssumptions,
} from './cost/pricing/ingest.ts';
import { formatSilenceShares, rescale, SILENCE_FLEET_SIZES, silenceShare } from './cost/silence-share.ts';
import { choiceFlag, numberFlag, optionalNumberFlag, runCliForCode, UsageError } from './shared/cli.ts';

const costSpec = {
  usage:
    'usage: npm run cost -- --devices N --rate R --record-bytes B [--region us-east-1] [--json]\n' +
    '         [--calibration model|hot|wide] [--partitions P] [--memory-mb M] [--batch-size S] [--batching-window SEC]\n' +
    '         [--records-per-report K] [--gsi-projection all|keys-only] [--compression none|gzip|snappy|lz4|zstd]\n' +
    '         [--ingest-batch N] [--results bench/results/latest.json]',
  description: [
    '--rate is records per second over the whole fleet (as `npm run generate -- --rate`).',
    '--calibration model (default): the model computes how many items each batch touches for this fleet, with unit',
    '  sizes (WCU per write, reads per write, CPU per record) from the bench results when present;',
    "  hot|wide: take that bench workload's measured per-1,000-record ratios as they are.",
    '--records-per-report K: records a device sends at once (a report with a record per interface, as the generator',
    '  sends them; ~3 for its modems). Default 1: every record on its own, the worst case for coalescing.',
    '--compression CODEC: the producers send batches in that codec; MSK data in/out/storage use the bytes on the wire',
    '  measured for it by `npm run bench` (results compression.<codec>.ratio), or measured now on the generator stream',
    '  when the results file has none. Firehose bills the uncompressed values it delivers (docs/SCALING.md).',
    '--ingest-batch N: records per POST /ingest request when pricing the HTTPS front door (default 500).',
    `Prices: on-demand list prices for ${SUPPORTED_REGIONS.join(', ')}, checked ${PRICES_CHECKED_ON} (scripts/cost/prices.ts).`,
  ].join('\n'),
  options: {
    devices: { type: 'string' },
    rate: { type: 'string' },
    'record-bytes': { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
    json: { type: 'boolean', default: false },
    calibration: { type: 'string', default: 'model' },
    partitions: { type: 'string' },
    'memory-mb': { type: 'string' },
    'batch-size': { type: 'string' },
    'batching-window': { type: 'string' },
    'records-per-report': { type: 'string' },
    'gsi-projection': { type: 'string', default: 'keys-only' },
    compression: { type: 'string', default: 'none' },
    results: { type: 'string' },
    'ingest-batch': { type: 'string' },
  },
} as const;

/** The codec's bytes-on-the-wire ratio: the bench's when it measured one, else measured now (a few seconds, no broker). */
const wireRatioOf = async (
  codec: CompressionName,
  results: BenchResults | undefined,
): Promise<{ ratio: number; source: string }> => {
  if (codec === 'none') return { ratio: 1, source: 'uncompressed' };
  const benched = results?.compression?.[codec];
  if (benched !== undefined)
    return { ratio: benched.ratio, source: `${codec} on the wire ×${benched.ratio} (bench results)` };
  const { measureCompression } = await import('./bench/compression.ts');
  const now = await measureCompression({
    devices: 1000,
    records: 20_000,
    seed: 'fleetstream-bench',
    batch: 1000,
    partitions: 6,
  });
  return {
    ratio: now[codec].ratio,
    source: `${codec} on the wire ×${now[codec].ratio} (measured now on the generator stream)`,
  };
};

/**
 * The ingest path's assumptions. With bench results, a request's service time is its share of the measured ingest
 * throughput (batch ÷ records/s: the local server's CPU and I/O per request, without the queueing that its p50 has);
 * an upper bound for Lambda, which runs one request per instance next to a real DynamoDB.
 */
const ingestAssumptions = (
  batch: string | undefined,
  results: BenchResults | undefined,
): IngestAssumptions => ({
  ...DEFAULT_INGEST_ASSUMPTIONS,
  batchRecords: optionalNumberFlag('ingest-batch', batch, DEFAULT_INGEST_ASSUMPTIONS.batchRecords, {
    min: 1,
    max: INGEST_MAX_RECORDS,
    integer: true,
  }),
  ...(results?.ingest === undefined || results.ingest.recordsPerSec <= 0
    ? {}
    : { durationMs: Math.round((results.ingest.batchRecords / results.ingest.recordsPerSec) * 1000) }),
});

const required = (name: string, raw: string | undefined): string => {
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  return raw;
};

const positive = (name: string, value: number): number => {
  if (!(value > 0)) throw new UsageError(`--${name} must be > 0, got ${value}`);
  return value;
};

export const main = async (argv: string[], print: (text: string) => void): Promise<number> => {
  return runCliForCode(
    costSpec,
    async ({ values: v }) => {
      const scenario = {
        devices: numberFlag('devices', required('devices', v.devices), { min: 1, integer: true }),
        recordsPerSecond: positive('rate', numberFlag('rate', required('rate', v.rate))),
        recordBytes: numberFlag('record-bytes', required('record-bytes', v['record-bytes']), {
          min: 1,
          max: 8 * 1024 * 1024,
          integer: true,
        }),
      };
      const region = choiceFlag('region', v.region, SUPPORTED_REGIONS);
      const calibrationName = choiceFlag('calibration', v.calibration, CALIBRATIONS);
      let assumptions: Assumptions = {
        ...DEFAULT_ASSUMPTIONS,
        partitions: optionalNumberFlag('partitions', v.partitions, DEFAULT_ASSUMPTIONS.partitions, {
          min: PARTITIONS.min,
          max: PARTITIONS.max,
          integer: true,
        }),
        memoryMb: optionalNumberFlag('memory-mb', v['memory-mb'], DEFAULT_ASSUMPTIONS.memoryMb, {
          ...LAMBDA_LIMITS.memoryMb,
          integer: true,
        }),
        batchSize: optionalNumberFlag('batch-size', v['batch-size'], DEFAULT_ASSUMPTIONS.batchSize, {
          ...LAMBDA_LIMITS.batchSize,
          integer: true,
        }),
        batchingWindowSeconds: optionalNumberFlag(
          'batching-window',
          v['batching-window'],
          DEFAULT_ASSUMPTIONS.batchingWindowSeconds,
          LAMBDA_LIMITS.batchingWindowSeconds,
        ),
        recordsPerReport: optionalNumberFlag(
          'records-per-report',
          v['records-per-report'],
          DEFAULT_ASSUMPTIONS.recordsPerReport,
          { min: 1, max: 1000 },
        ),
        gsiProjection: choiceFlag('gsi-projection', v['gsi-projection'], ['all', 'keys-only'] as const),
      };
      const compression = choiceFlag('compression', v.compression, COMPRESSION_NAMES);
      const resultsPath = v.results ?? LATEST_RESULTS_PATH;
      const results = await readLatestResults(resultsPath);
      const wire = await wireRatioOf(compression, results);
      assumptions = { ...assumptions, compression, wireRatio: wire.ratio };
      const measured = calibrationFrom(results, calibrationName, v.results ?? 'bench/results/latest.json');
      const calibration =
        compression === 'none' ? measured : { ...measured, source: `${measured.source}; ${wire.source}` };
      const prices = PRICE_TABLES[region];
      if (prices === undefined) throw new UsageError(`no price table for ${region}`);
      const report = computeCost(scenario, prices, calibration, assumptions);
      const caps = capBounds(prices, { recordBytes: scenario.recordBytes });
      const frontDoor = frontDoorCost(
        scenario.recordsPerSecond,
        ingestAssumptions(v['ingest-batch'], results),
        prices,
      );
      const valueGb = monthValueGb(scenario.recordsPerSecond, scenario.recordBytes);
      const lakeQueries = namedQueryScans(valueGb, assumptions.lakeCompressionRatio);
      const silenceDetection = SILENCE_FLEET_SIZES.map((devices) =>
        silenceShare(rescale(scenario, devices), { prices, calibration, assumptions }),
      );
      const sections = [
        formatSilenceShares(silenceDetection),
        formatCaps(caps),
        formatFrontDoor(frontDoor, scenario.recordsPerSecond),
        formatNamedQueryScans(lakeQueries),
      ];
      print(
        v.json
          ? JSON.stringify(
              {
                pricesCheckedOn: PRICES_CHECKED_ON,
                ...report,
                silenceDetection,
                caps,
                frontDoor,
                lakeQueries,
              },
              null,
              2,
            )
          : [formatReport(report, prices), ...sections].join('\n\n'),
      );
      return 0;
    },
    { argv },
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const code = await main(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`));
  process.exit(code);
}
