/**
 * One design over one workload through the real local pipeline: a fresh topic and tables, the local event-source
 * poller feeding the processor, the generator producing live in a child process, freshness markers through the
 * lookup API. Returns the raw measurements; DynamoDB is counted by the same middleware for both designs.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import { TABLES } from '#core/contract/index.ts';
import type { GeneratorSummary } from '#lambda/generator/run.ts';
import { createNaiveProcessor } from '#lambda/naive-processor/processor.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { startEventSourcePoller } from '#scripts/local/event-source-poller.ts';
import { seedRules } from '#scripts/local/seed.ts';
import { createTables, localTableNames, type TableNames, tableDefinition } from '#scripts/local/tables.ts';
import { type ChildServer, startChildServer } from './child-server.ts';
import { countDynamoDb, type DdbCounts } from './ddb-counter.ts';
import { startFreshnessProbe } from './freshness.ts';
import type { ProduceJob } from './produce.ts';
import type { Design, DesignMeasurement } from './results.ts';
import {
  BATCH_SIZE,
  BATCHING_WINDOW_MS,
  PARTITIONS,
  recordsOf,
  SEED,
  WORKLOAD_RECORD_BYTES,
  type Workload,
} from './workloads.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface BenchEnv {
  readonly brokers: string;
  readonly dynamodbEndpoint: string;
  readonly kafka: Kafka;
  /** Unique per bench run: topics, groups and tables are named after it. */
  readonly runId: string;
  readonly scratchDir: string;
  readonly log: (line: string) => void;
  /** Give up on a design/workload after this long. */
  readonly deadlineMs: number;
  /** Log every batch (records, handler ms, DynamoDB work). */
  readonly verbose?: boolean;
  /** The poller's batching window (operating-point comparisons). @default BATCHING_WINDOW_MS */
  readonly batchingWindowMs?: number;
}

export interface DesignRun extends DesignMeasurement {
  readonly design: Design;
  readonly counts: DdbCounts;
  readonly batches: number;
  readonly generator: GeneratorSummary;
  readonly elapsedMs: number;
  /** Tables the run used (the API load phase reuses FleetStream's). */
  readonly tables: TableNames;
}

const baseClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

const localClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(baseClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });

export type ChildApi = ChildServer;

/** Starts the lookup API over these tables in a child process (see api-child.ts). */
export const startApiInChild = (endpoint: string, tables: TableNames): Promise<ChildApi> =>
  startChildServer('api-child.ts', { endpoint, tables }, 'lookup API');

/** Runs the generator in a child process and resolves with its summary. */
export const produceInChild = (job: ProduceJob): Promise<GeneratorSummary> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(HERE, 'produce.ts'), JSON.stringify(job)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0)
        return reject(new Error(`producer exited ${code}: ${err.trim().split('\n').at(-1) ?? ''}`));
      try {
        resolve(JSON.parse(last) as GeneratorSummary);
      } catch {
        reject(new Error(`producer printed no summary: ${last.slice(0, 200)}`));
      }
    });
  });

export const createTopic = async (kafka: Kafka, topic: string, partitions = PARTITIONS): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
};

/** The naive design's state table: the state table's keys, no indexes (so no index writes to pay for), no TTL. */
const createNaiveStateTable = async (client: DynamoDBClient, name: string) => {
  const { partitionKey, sortKey, envVar } = TABLES.state;
  await client.send(
    new CreateTableCommand(tableDefinition(name, { partitionKey, sortKey, envVar, indexes: [] })),
  );
};

const recordsIn = (event: MSKEvent): number =>
  Object.values(event.records).reduce((sum, list) => sum + list.length, 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const runDesign = async (env: BenchEnv, workload: Workload, design: Design): Promise<DesignRun> => {
  const name = `${env.runId}-${workload.name}-${design}`;
  const topic = `bench.${name}`;
  const fsNames = localTableNames(`bench-${name}`);
  const tables: TableNames =
    design === 'naive' ? { ...fsNames, state: `bench-${name}-naive-state` } : fsNames;
  // A prefix of the workload's seeded stream (see Workload.measured).
  const records = Math.min(recordsOf(workload), workload.measured[design]);

  const setup = baseClient(env.dynamodbEndpoint);
  await createTables(setup, fsNames);
  if (design === 'naive') await createNaiveStateTable(setup, tables.state);
  // FleetStream runs with the default alert rules, as `npm start` seeds them: alerts are part of its write cost.
  else await seedRules(DynamoDBDocumentClient.from(setup), tables.rules);
  await createTopic(env.kafka, topic);

  // The processor's client carries the counting middleware; the API has its own, uncounted, client.
  const processorClient = localClient(env.dynamodbEndpoint);
  const counter = countDynamoDb(processorClient);
  const naive = createNaiveProcessor({ db: processorClient, table: tables.state });
  const inner =
    design === 'fleetstream'
      ? createLocalStateProcessor({
          dynamodbEndpoint: env.dynamodbEndpoint,
          tables,
          datalakeDir: join(env.scratchDir, name, 'datalake'),
          client: processorClient,
          // "wide" brings 10,000 new devices in its first seconds: measured here is throughput, not the new-device cap.
          newDevicesPerPartitionMinute: 1_000_000,
        }).handler
      : async (event: MSKEvent) => {
          await naive.process(event);
        };

  const measured = { records: 0, handlerMs: 0, cpuMs: 0, batches: 0 };
  const handledOffsets = new Map<number, number>();
  const handler = async (event: MSKEvent) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await inner(event);
    const used = process.cpuUsage(cpu);
    measured.handlerMs += performance.now() - started;
    measured.cpuMs += (used.user + used.system) / 1000;
    measured.records += recordsIn(event);
    measured.batches++;
    for (const r of Object.values(event.records).flat())
      handledOffsets.set(r.partition, Math.max(r.offset, handledOffsets.get(r.partition) ?? -1));
    if (env.verbose) {
      const c = counter.counts();
      env.log(
        `    batch ${measured.batches}: ${recordsIn(event)} records in ${(performance.now() - started).toFixed(0)} ms, ` +
          `cpu ${((used.user + used.system) / 1000).toFixed(0)} ms; total ${c.itemWrites} writes, ${c.itemReads} reads`,
      );
    }
  };

  const api = await startApiInChild(env.dynamodbEndpoint, tables);
  const poller = await startEventSourcePoller({
    brokers: env.brokers,
    kafka: env.kafka,
    topic,
    groupId: `bench-${name}`,
    handler,
    batchSize: BATCH_SIZE,
    maxBatchingWindowMs: env.batchingWindowMs ?? BATCHING_WINDOW_MS,
    onError: (error) => env.log(`  ${design}: batch failed, retrying: ${(error as Error).message}`),
  });
  const markerProducer = env.kafka.producer({ allowAutoTopicCreation: false });
  await markerProducer.connect();

  const started = performance.now();
  let probe: ReturnType<typeof startFreshnessProbe> | undefined;
  try {
    probe = startFreshnessProbe({
      producer: markerProducer,
      topic,
      apiUrl: api.url,
      devices: workload.devices,
      seed: SEED,
      recordBytes: WORKLOAD_RECORD_BYTES,
      handledOffset: (partition) => handledOffsets.get(partition) ?? -1,
    });
    const generator = await produceInChild({
      brokers: env.brokers,
      topic,
      devices: workload.devices,
      count: records,
      rate: workload.rate,
      seed: SEED,
      recordBytes: WORKLOAD_RECORD_BYTES,
    });
    env.log(
      `  ${design}: produced ${generator.sent} records at ${Math.round(generator.recordsPerSec)}/s; ` +
        `processed ${poller.stats.records} so far`,
    );
    // Markers flow until the workload is processed, then stop (idle batches of markers alone would skew the
    // per-record ratios); then the last markers land.
    let lastReport = performance.now();
    const waitFor = async (target: () => number) => {
      while (poller.stats.records < target()) {
        if (performance.now() - started > env.deadlineMs) {
          throw new Error(
            `${design} on ${workload.name}: ${poller.stats.records}/${target()} records after ${env.deadlineMs} ms`,
          );
        }
        if (performance.now() - lastReport > 15_000) {
          env.log(`  ${design}: ${poller.stats.records}/${target()} records processed`);
          lastReport = performance.now();
        }
        await sleep(50);
      }
    };
    await waitFor(() => records);
    const freshness = await probe.stop();
    if (freshness.rolledBack > 0) {
      env.log(
        `  ${design}: ${freshness.rolledBack} freshness markers overwritten by an older record (not timed)`,
      );
    }
    await waitFor(() => records + (probe?.sent() ?? 0));
    const elapsedMs = performance.now() - started;
    await poller.stop();
    const counts = counter.counts();
    return {
      design,
      records: measured.records,
      handlerMs: measured.handlerMs,
      cpuMs: measured.cpuMs,
      itemWrites: counts.itemWrites,
      itemReads: counts.itemReads,
      wcu: counts.wcu,
      freshnessMs: freshness.latenciesMs,
      counts,
      split: counter.split(),
      batches: measured.batches,
      generator,
      elapsedMs,
      tables,
    };
  } finally {
    await probe?.stop().catch(() => {});
    await poller.stop().catch(() => {});
    await markerProducer.disconnect().catch(() => {});
    await api.close();
  }
};
