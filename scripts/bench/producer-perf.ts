/**
 * The generator beside Kafka's own ProducerPerformance on one local broker (issue 22): the same number of 1 KB
 * records, acks=all, no compression, as fast as the broker takes them; each run on its own new 6-partition topic,
 * alternating, three times, and the better run of each kept (the machine is shared and noisy). 300,000 records
 * make each run about 10 s, so the JVM's warm-up weighs little on ProducerPerformance's side.
 *
 * What differs, by design: ProducerPerformance sends one fixed random 1 KB payload without a key (its sticky
 * partitioner fills one partition's batch at a time); the generator makes real telemetry — every record a new JSON
 * document padded to 1 KB, keyed by device id over 1,000 devices (murmur2, spread over all six partitions).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, REPO_LOCAL_DIR } from '#scripts/local/services/index.ts';
import { startKafka } from '#scripts/local/services/kafka.ts';
import { ensureJars } from '#scripts/local/services/maven.ts';
import { mergeIntoResults } from './merge-results.ts';
import { createTopic, produceInChild } from './pipeline.ts';
import type { ProducerComparison } from './producer-perf-results.ts';
import { round } from './results.ts';
import { SEED } from './workloads.ts';

const run = promisify(execFile);
const RECORD_BYTES = 1024;
const RECORDS = 300_000;
const ROUNDS = 3;
const PARTITIONS = 6;
const CONDITIONS =
  `${RECORDS} records of ${RECORD_BYTES} bytes per run, acks=all, compression none, one local broker, a new ` +
  `${PARTITIONS}-partition topic per run, runs alternating, best of ${ROUNDS} each. ProducerPerformance: one random ` +
  'payload, no key (sticky partitioner), its default batching (batch.size 16 KB, linger 5 ms, 5 in flight). ' +
  'Generator: telemetry JSON made per record and padded to 1 KB, keyed by device id over 1,000 devices ' +
  '(murmur2), 1,000 records per send, 4 sends in flight.';

interface Throughput {
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
}

/**
 * ProducerPerformance prints a progress line every 5 s and the run's summary last, all in the form
 * "100000 records sent, 50300.1 records/sec (49.12 MB/sec), …": the last one is the run's.
 */
export const parseProducerPerformance = (stdout: string): Throughput => {
  const match = [...stdout.matchAll(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/g)].at(
    -1,
  );
  if (match === undefined) throw new Error(`ProducerPerformance printed no summary:\n${stdout.slice(-500)}`);
  return { recordsPerSec: Number(match[2]), mbPerSec: Number(match[3]) };
};

const producerPerformance = async (libDir: string, brokers: string, topic: string): Promise<Throughput> => {
  const { stdout } = await run(
    'java',
    [
      ...['-Xmx512m', '-cp', join(libDir, '*'), 'org.apache.kafka.tools.ProducerPerformance'],
      ...['--topic', topic, '--num-records', String(RECORDS), '--record-size', String(RECORD_BYTES)],
      ...['--throughput', '-1', '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all'],
    ],
    { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
  );
  return parseProducerPerformance(stdout);
};

const generator = async (brokers: string, topic: string): Promise<Throughput> => {
  const summary = await produceInChild({
    brokers,
    topic,
    devices: 1000,
    count: RECORDS,
    rate: 0,
    seed: SEED,
    recordBytes: RECORD_BYTES,
  });
  // In ProducerPerformance's unit: MB = 2^20 bytes of record values.
  return { recordsPerSec: summary.recordsPerSec, mbPerSec: summary.bytes / 2 ** 20 / summary.seconds };
};

const better = (a: Throughput | undefined, b: Throughput): Throughput =>
  a === undefined || b.recordsPerSec > a.recordsPerSec ? b : a;

/** Runs both producers against one broker, alternating; returns the better run of each. */
export const compareProducers = async (log: (line: string) => void): Promise<ProducerComparison> => {
  const cacheDir = join(REPO_LOCAL_DIR, 'cache');
  const [kafkaLib, toolsLib] = [
    await ensureJars('kafka', cacheDir, log),
    await ensureJars('kafka-tools', cacheDir, log),
  ];
  const dir = await mkdtemp(join(tmpdir(), 'fleetstream-producer-perf-'));
  const port = await freePort();
  const broker = await startKafka({ dir, libDir: kafkaLib, port, controllerPort: await freePort() });
  const brokers = `127.0.0.1:${port}`;
  const kafka = new Kafka({
    clientId: 'fleetstream-producer-perf',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  try {
    const loadAverageStart = round(loadavg()[0] ?? 0, 1);
    let java: Throughput | undefined;
    let ours: Throughput | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      await createTopic(kafka, `perf-java-${i}`, PARTITIONS);
      const p = await producerPerformance(toolsLib, brokers, `perf-java-${i}`);
      log(
        `  ProducerPerformance: ${Math.round(p.recordsPerSec)} records/s (${p.mbPerSec.toFixed(1)} MB/s), ` +
          `load ${loadavg()[0]?.toFixed(1)}`,
      );
      await createTopic(kafka, `perf-generator-${i}`, PARTITIONS);
      const g = await generator(brokers, `perf-generator-${i}`);
      log(
        `  generator:           ${Math.round(g.recordsPerSec)} records/s (${g.mbPerSec.toFixed(1)} MB/s), ` +
          `load ${loadavg()[0]?.toFixed(1)}`,
      );
      java = better(java, p);
      ours = better(ours, g);
    }
    if (java === undefined || ours === undefined) throw new Error('no producer run');
    const pick = (t: Throughput) => ({
      recordsPerSec: round(t.recordsPerSec, 0),
      mbPerSec: round(t.mbPerSec, 2),
    });
    return {
      recordBytes: RECORD_BYTES,
      records: RECORDS,
      producerPerformance: pick(java),
      generator: pick(ours),
      ratio: round(ours.recordsPerSec / java.recordsPerSec, 2),
      rounds: ROUNDS,
      loadAverageStart,
      loadAverageEnd: round(loadavg()[0] ?? 0, 1),
      conditions: CONDITIONS,
    };
  } finally {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

/** `npm run bench -- --producer-perf`: writes `producerComparison` only. */
export const producerPerfMain = async (out: string, log: (line: string) => void): Promise<number> => {
  log(`producer comparison: ${RECORDS} records of ${RECORD_BYTES} bytes, acks=all, one local broker`);
  const result = await compareProducers(log);
  log(`  generator ÷ ProducerPerformance = ${result.ratio}`);
  await mergeIntoResults(out, 'producerComparison', result);
  log(`wrote producerComparison into ${out} (other keys kept)`);
  return 0;
};
