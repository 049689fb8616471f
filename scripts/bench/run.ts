/**
 * `npm run bench [-- --quick] [--out bench/results/latest.json]`: fixed, seeded workloads through the real local
 * pipeline (Kafka + DynamoDB Local + local event-source poller + processor), FleetStream and the naive baseline in the
 * same run; prints a table with the ratios and writes the results file (shape: scripts/bench/results.ts).
 */

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import { startLocalServices } from '#scripts/local/services/index.ts';
import { errorMessage, runCli, UsageError } from '#scripts/shared/cli.ts';
import { alertLatencyMain } from './alert-latency-cli.ts';
import { runApiLoad } from './api-load.ts';
import { measureBundles } from './bundles.ts';
import { measureCompression } from './compression.ts';
import { benchIngest, writeIngestOnly } from './ingest-step.ts';
import { separateResults } from './merge-results.ts';
import { createTopic, type DesignRun, produceInChild, runDesign, startApiInChild } from './pipeline.ts';
import { producerPerfMain } from './producer-perf.ts';
import { formatBenchTable } from './report.ts';
import {
  type BenchResults,
  COMPRESSION_NAMES,
  DESIGNS,
  designResult,
  LATEST_RESULTS_PATH,
  resultsShapeErrors,
  round,
  type WorkloadResult,
} from './results.ts';
import { percentile } from './stats.ts';
import { sustainedMain } from './sustained-cli.ts';
import {
  API_LOAD,
  BATCHING_WINDOW_MS,
  designDeadlineMs,
  GENERATOR_RECORD_BYTES,
  GENERATOR_RECORDS,
  PARTITIONS,
  recordsOf,
  SEED,
  WORKLOADS,
} from './workloads.ts';

const WINDOW = LAMBDA_LIMITS.batchingWindowSeconds;

const spec = {
  usage:
    'usage: npm run bench -- [--quick] [--verbose] [--batching-window SEC] [--ingest-only] [--out bench/results/latest.json]\n' +
    '       npm run bench -- --sustained [--minutes N] [--rate R] [--devices D] [--profile P] [--out …]\n' +
    '       npm run bench -- --producer-perf [--out …]\n' +
    '       npm run bench -- --alert-latency [--profile realtime|balanced] [--samples N] [--silent-devices D] [--silent-for S] [--out …]',
  description:
    'Starts its own Kafka and DynamoDB Local on free loopback ports in a temporary folder, runs the "hot" and "wide"\n' +
    'workloads through FleetStream and the naive baseline, load-tests the lookup API, bundles the Lambdas.\n' +
    '--quick runs smaller counts (for iterating); only a full run should be committed as latest.json.\n' +
    '--batching-window SEC (default 1) compares operating points (docs/SCALING.md); latest.json stays at 1 s.\n' +
    '--sustained runs only npm start at R records/s (default 2000) over D devices (1000) for N minutes (5),\n' +
    'profile P (local), and writes the "sustained" key; --producer-perf runs only the generator beside Kafka\'s\n' +
    'ProducerPerformance (1 KB records, acks=all) and writes "producerComparison". Other keys are kept.\n' +
    '--alert-latency runs npm start --no-generator per profile (realtime, balanced): N records (12) that trip\n' +
    'modem-down, time to their published alert; D devices (5) that stop, time to their silence alert after S s (60);\n' +
    'writes "alertLatency" only.\n' +
    '--ingest-only measures the generator and POST /ingest only and updates just the "ingest" key of the results file.',
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'batching-window': { type: 'string' },
    sustained: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    rate: { type: 'string' },
    devices: { type: 'string' },
    profile: { type: 'string' },
    'producer-perf': { type: 'boolean', default: false },
    'alert-latency': { type: 'boolean', default: false },
    samples: { type: 'string' },
    'silent-devices': { type: 'string' },
    'silent-for': { type: 'string' },
    'ingest-only': { type: 'boolean', default: false },
  },
} as const;

const log = (line: string) => process.stderr.write(`${line}\n`);

await runCli(spec, async ({ values }) => {
  const mode = values.quick ? 'quick' : 'full';
  const windowFlag = values['batching-window'];
  const batchingWindowS = windowFlag === undefined ? undefined : Number(windowFlag);
  if (
    batchingWindowS !== undefined &&
    !(Number.isInteger(batchingWindowS) && batchingWindowS >= WINDOW.min && batchingWindowS <= WINDOW.max)
  )
    throw new UsageError(
      `--batching-window must be an integer from ${WINDOW.min} to ${WINDOW.max} seconds, got ${windowFlag}`,
    );
  const out = values.out ?? LATEST_RESULTS_PATH;
  if (values.sustained) return sustainedMain(values, out, log);
  if (values['producer-perf']) return producerPerfMain(out, log);
  if (values['alert-latency']) return alertLatencyMain(values, out, log);
  const started = performance.now();
  // tmpfs when there is one: DynamoDB Local's SQLite file and Kafka's log then cost no disk syncs.
  const stateDir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'fleetstream-bench-'));
  log(`bench (${mode}): starting Kafka and DynamoDB Local in ${stateDir}`);
  const services = await startLocalServices({ stateDir, log: (line) => log(`  ${line}`) });
  // Ctrl-C must not leave the Kafka and DynamoDB Local JVMs behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`bench: ${signal}, stopping local services`);
      void services
        .stop()
        .then(() => rm(stateDir, { recursive: true, force: true }))
        .finally(() => process.exit(130));
    });
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const kafka = new Kafka({
    clientId: 'fleetstream-bench',
    brokers: [services.brokers],
    logLevel: logLevel.NOTHING,
  });
  const runId = `r${Date.now().toString(36)}`;
  const env = {
    brokers: services.brokers,
    dynamodbEndpoint: services.dynamodbEndpoint,
    kafka,
    runId,
    scratchDir: stateDir,
    log,
    deadlineMs: designDeadlineMs(
      mode,
      batchingWindowS === undefined ? BATCHING_WINDOW_MS : batchingWindowS * 1000,
    ),
    verbose: values.verbose,
    ...(batchingWindowS === undefined ? {} : { batchingWindowMs: batchingWindowS * 1000 }),
  };
  try {
    log('generator: producer-only throughput');
    const genTopic = `bench.${runId}.generator`;
    await createTopic(kafka, genTopic);
    const gen = await produceInChild({
      brokers: services.brokers,
      topic: genTopic,
      devices: 1000,
      count: GENERATOR_RECORDS[mode],
      rate: 0,
      seed: SEED,
      recordBytes: GENERATOR_RECORD_BYTES,
    });
    log(`  ${Math.round(gen.recordsPerSec)} records/s, ${gen.mbPerSec.toFixed(1)} MB/s`);
    const ingest = await benchIngest(kafka, services, {
      runId,
      records: GENERATOR_RECORDS[mode],
      direct: gen.recordsPerSec,
    });
    if (values['ingest-only']) return writeIngestOnly(out, ingest);

    log(
      'compression: bytes on the wire and producer records/s per codec (generator stream, natural records)',
    );
    const onWire = await measureCompression({
      devices: 1000,
      records: GENERATOR_RECORDS[mode],
      seed: SEED,
      batch: 1000,
      partitions: PARTITIONS,
    });
    const compression = {} as NonNullable<BenchResults['compression']>;
    for (const codec of COMPRESSION_NAMES) {
      const topic = `bench.${runId}.codec-${codec}`;
      await createTopic(kafka, topic);
      const produced = await produceInChild({
        brokers: services.brokers,
        topic,
        devices: 1000,
        count: GENERATOR_RECORDS[mode],
        rate: 0,
        seed: SEED,
        compression: codec,
      });
      compression[codec] = { ...onWire[codec], producerRecordsPerSec: round(produced.recordsPerSec, 0) };
      log(
        `  ${codec}: ${onWire[codec].bytesPerRecord} bytes/record (×${onWire[codec].ratio}), ` +
          `${Math.round(produced.recordsPerSec)} records/s produced`,
      );
    }

    const workloads = {} as BenchResults['workloads'];
    const runs: DesignRun[] = [];
    for (const workload of WORKLOADS[mode]) {
      log(
        `workload ${workload.name}: ${workload.devices} devices × ${workload.recordsPerDevice} records at ${workload.rate}/s ` +
          `(measured over the first ${workload.measured.fleetstream} / ${workload.measured.naive} records: FleetStream / naive)`,
      );
      const result: Partial<WorkloadResult> = { records: recordsOf(workload), devices: workload.devices };
      for (const design of DESIGNS) {
        const run = await runDesign(env, workload, design);
        runs.push(run);
        result[design] = designResult(run, percentile);
        log(
          `  ${design}: ${run.batches} batches, ${run.counts.itemWrites} item writes (${run.counts.writeCalls} calls), ` +
            `${run.counts.itemReads} item reads, ${round(run.counts.wcu)} WCU, ${round(run.counts.rcu)} RCU, ` +
            `${(run.elapsedMs / 1000).toFixed(1)} s`,
        );
        const units = result[design].units;
        if (units !== undefined)
          log(
            `    per 1,000 records: WCU ${JSON.stringify(units.wcuPer1k)}; read units ${JSON.stringify(units.rcuPer1k)}; ` +
              `item bytes ${JSON.stringify(units.itemBytes)}`,
          );
        if (units?.floor !== undefined)
          log(
            `    floor: strict ${units.floor.strictWcuPer1k}, exactly-once ${units.floor.exactlyOnceWcuPer1k} WCU/1k; ` +
              `events per 1,000 records ${JSON.stringify(units.floor.eventsPer1k)}`,
          );
      }
      workloads[workload.name] = result as WorkloadResult;
    }

    log('lookup API: load test over the "hot" FleetStream tables');
    const hot = runs.find((r) => r.design === 'fleetstream' && r.tables.state.includes('-hot-'));
    if (hot === undefined) throw new Error('no hot FleetStream run to load-test the API against');
    const api = await startApiInChild(services.dynamodbEndpoint, hot.tables);
    let apiResult: Awaited<ReturnType<typeof runApiLoad>>;
    try {
      const hotWorkload = WORKLOADS[mode].find((w) => w.name === 'hot');
      apiResult = await runApiLoad({
        url: api.url,
        devices: hotWorkload?.devices ?? 100,
        seed: SEED,
        ...API_LOAD[mode],
      });
    } finally {
      await api.close();
    }
    if (apiResult.errors > 0) log(`  warning: ${apiResult.errors} API requests answered 5xx`);

    log('bundles: esbuild + module init time');
    const bundles = await measureBundles();

    const results: BenchResults = {
      generator: { recordsPerSec: round(gen.recordsPerSec, 0), mbPerSec: round(gen.mbPerSec, 2) },
      api: {
        p50Ms: round(apiResult.p50Ms, 2),
        p99Ms: round(apiResult.p99Ms, 2),
        requestsPerSec: round(apiResult.requestsPerSec, 0),
      },
      bundles: {
        stateProcessorBytes: bundles.stateProcessorBytes,
        lookupApiBytes: bundles.lookupApiBytes,
        stateProcessorInitMs: round(bundles.stateProcessorInitMs, 1),
      },
      workloads,
      compression,
      ...(await separateResults(out)),
      ingest,
    };
    const problems = resultsShapeErrors(results);
    if (problems.length > 0) throw new Error(`results do not match the contract: ${problems.join('; ')}`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(
      `${formatBenchTable(results)}\n\nwrote ${out} in ${((performance.now() - started) / 1000).toFixed(0)} s (${mode})\n`,
    );
    return 0;
  } catch (error) {
    log(`bench failed: ${errorMessage(error)}`);
    throw error;
  } finally {
    await services.stop().catch(() => {});
    await rm(stateDir, { recursive: true, force: true }).catch(() => {});
  }
});
