/**
 * The ingest figure of `npm run bench`: the generator's stream posted to POST /ingest in batches of 500 records (each
 * with an Idempotency-Key, as a careful device sends them), the server in a child process, against the generator's
 * direct-Kafka rate measured in the same run with the same records.
 */
import { runGenerator } from '#lambda/generator/run.ts';
import { httpProducer, ingestUrl } from '#scripts/generator/http-producer.ts';
import { type ChildServer, startChildServer } from './child-server.ts';
import { type IngestBenchResult, round } from './results.ts';
import { percentile } from './stats.ts';

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

const startServer = (job: IngestJob): Promise<ChildServer> =>
  startChildServer('ingest-child.ts', job, 'ingest');

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
