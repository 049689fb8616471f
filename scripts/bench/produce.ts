/**
 * Child process of the benchmark: produces one workload with the generator and prints its summary as JSON on the
 * last line. A separate process keeps the producer's CPU out of the processor's CPU measurement, as in production
 * (modems are not the Lambda).
 */
import { Kafka, logLevel } from 'kafkajs';
import { registerKafkaCodecs } from '#adapters/kafka-codecs.ts';
import { type Compression, runGenerator } from '#lambda/generator/run.ts';

export interface ProduceJob {
  brokers: string;
  topic: string;
  devices: number;
  count: number;
  /** Records per second; 0 = as fast as the broker takes them. */
  rate: number;
  seed: string;
  /** Pad records to this size; absent = the generator's natural size. */
  recordBytes?: number;
  /** @default 'none' */
  compression?: Compression;
}

registerKafkaCodecs();
const job = JSON.parse(process.argv[2] ?? '{}') as ProduceJob;
const kafka = new Kafka({
  clientId: 'fleetstream-bench-producer',
  brokers: [job.brokers],
  logLevel: logLevel.NOTHING,
});
try {
  const summary = await runGenerator(kafka, {
    topic: job.topic,
    devices: job.devices,
    count: job.count,
    rate: job.rate,
    seed: job.seed,
    ...(job.recordBytes === undefined ? {} : { recordBytes: job.recordBytes }),
    ...(job.compression === undefined ? {} : { compression: job.compression }),
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`producer failed: ${(error as Error).message}\n`);
  process.exit(1);
}
