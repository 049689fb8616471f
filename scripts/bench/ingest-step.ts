/** The bench's ingest step and its `--ingest-only` mode (the results file keeps every other key as it was). */
import { readFile, writeFile } from 'node:fs/promises';
import type { Kafka } from 'kafkajs';
import { measureIngest } from './ingest.ts';
import { createTopic } from './pipeline.ts';
import { formatIngestLines } from './report.ts';
import { type IngestBenchResult, parseResults } from './results.ts';
import { GENERATOR_RECORD_BYTES, SEED } from './workloads.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

export const benchIngest = async (
  kafka: Kafka,
  services: { brokers: string; dynamodbEndpoint: string },
  run: { runId: string; records: number; direct: number },
): Promise<IngestBenchResult> => {
  log('ingest: POST /ingest, batches of 500 records, against the direct-Kafka rate above');
  const topic = `bench.${run.runId}.ingest`;
  await createTopic(kafka, topic);
  const ingest = await measureIngest({
    brokers: services.brokers,
    topic,
    endpoint: services.dynamodbEndpoint,
    table: `bench-${run.runId}-idempotency`,
    records: run.records,
    recordBytes: GENERATOR_RECORD_BYTES,
    seed: SEED,
    directRecordsPerSec: run.direct,
  });
  for (const line of formatIngestLines(ingest)) log(`  ${line}`);
  return ingest;
};

export const writeIngestOnly = async (out: string, ingest: IngestBenchResult): Promise<number> => {
  const results = parseResults(await readFile(out, 'utf8'), out);
  await writeFile(out, `${JSON.stringify({ ...results, ingest }, null, 2)}\n`);
  process.stdout.write(`${formatIngestLines(ingest).join('\n')}\n\nupdated "ingest" in ${out}\n`);
  return 0;
};
