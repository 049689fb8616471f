/**
 * The ingest figure of `npm run bench`: the generator's stream posted to POST /ingest in batches of 500 records (each
 * with an Idempotency-Key, as a careful device sends them), the server in a child process, against the generator's
 * direct-Kafka rate measured in the same run with the same records.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGenerator } from '#lambda/generator/run.ts';
import { httpProducer, ingestUrl } from '#scripts/generator/http-producer.ts';
import { type IngestBenchResult, round } from './results.ts';
import { percentile } from './stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const INGEST_BATCH_RECORDS = 500;
/** Requests in flight, as the generator keeps 4 Kafka sends in flight. */
export const INGEST_IN_FLIGHT = 4;

export interface IngestJob {
  readonly brokers: string;
  readonly topic: string;
  readonly endpoint: string;
  readonly table: string;
  readonly records: number;
  readonly recordBytes: number;
  readonly seed: string;
  readonly directRecordsPerSec: number;
}

const startServer = (job: IngestJob): Promise<{ url: string; close: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(HERE, 'ingest-child.ts'), JSON.stringify(job)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = out.match(/^(http:\/\/\S+)\n/)?.[1];
      if (url === undefined) return;
      child.stdout.removeAllListeners('data');
      resolve({
        url,
        close: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`ingest child exited ${code} before it listened`)));
  });

export const measureIngest = async (job: IngestJob): Promise<IngestBenchResult> => {
  const server = await startServer(job);
  const latencies: number[] = [];
  try {
    const producer = httpProducer({ url: ingestUrl(server.url), onRequest: (ms) => latencies.push(ms) });
    const summary = await runGenerator(producer, {
      topic: job.topic,
      devices: 1000,
      count: job.records,
      rate: 0,
      seed: job.seed,
      recordBytes: job.recordBytes,
      batch: INGEST_BATCH_RECORDS,
      inFlight: INGEST_IN_FLIGHT,
    });
    if (summary.errors > 0)
      throw new Error(`ingest: ${summary.errors} records not accepted: ${summary.lastError}`);
    return {
      recordsPerSec: round(summary.recordsPerSec, 0),
      p50Ms: round(percentile(latencies, 50), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      batchRecords: INGEST_BATCH_RECORDS,
      directRecordsPerSec: round(job.directRecordsPerSec, 0),
      ratioToDirect: round(summary.recordsPerSec / job.directRecordsPerSec, 3),
    };
  } finally {
    await server.close();
  }
};
