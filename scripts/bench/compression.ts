import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import {
  KAFKA_COMPRESSION_TYPES,
  KAFKA_COMPRESSIONS,
  type KafkaCompression,
  registerKafkaCodecs,
} from '#adapters/kafka-codecs.ts';
import { createTelemetryStream } from '#lambda/generator/telemetry.ts';

/**
 * Bytes on the wire per Kafka codec over the generator's stream. Measured in-process with kafkajs' own record-batch
 * encoder and the codecs the producer registers: the exact bytes a produce request carries (batch header, varint
 * record framing, compressed records) with no broker in the way, so the figure is reproducible and the bench stays
 * within its time. The stream is split by key into partitions the way the producer splits a send (murmur2 over
 * `partitions`), so a batch holds what one partition's batch would. MSK bills these bytes (in, out, storage).
 */

// kafkajs does not export its encoders; they are what its producer calls for each partition's batch.
const internal = createRequire(import.meta.url);
const { RecordBatch } = internal('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(args: {
    compression: number;
    records: unknown[];
    lastOffsetDelta: number;
  }): Promise<{ buffer: Buffer }>;
};
const Record = internal('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: {
  key: Buffer;
  value: Buffer;
  offsetDelta: number;
}) => unknown;

export interface CodecMeasurement {
  /** Record-batch bytes per record, batch headers included. */
  bytesPerRecord: number;
  /** Bytes on the wire / the uncompressed batches' bytes (none = 1). */
  ratio: number;
  /** Records encoded (+ compressed) per second on one core: the producer's CPU cost of the codec. */
  encodeRecordsPerSec: number;
}

export type CompressionResults = Record<KafkaCompression, CodecMeasurement>;

export interface CompressionOptions {
  readonly devices: number;
  readonly records: number;
  readonly seed: string;
  /** Records per send call (the generator's default is 1,000). */
  readonly batch: number;
  readonly partitions: number;
}

const { Partitioners } = kafkajs;

/** The generator's sends, each split by partition as the producer does: one record list per partition batch. */
const partitionBatches = (options: CompressionOptions): Array<Array<{ key: Buffer; value: Buffer }>> => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: options.partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const stream = createTelemetryStream({ devices: options.devices, seed: options.seed });
  const batches: Array<Array<{ key: Buffer; value: Buffer }>> = [];
  for (let sent = 0; sent < options.records; sent += options.batch) {
    const byPartition = new Map<number, Array<{ key: Buffer; value: Buffer }>>();
    for (let i = 0; i < Math.min(options.batch, options.records - sent); i++) {
      const message = stream.next().value;
      const key = Buffer.from(message.key);
      const partition = partitioner({
        topic: 't',
        partitionMetadata,
        message: { key, value: message.value },
      });
      const list = byPartition.get(partition) ?? [];
      byPartition.set(partition, list);
      list.push({ key, value: message.value });
    }
    batches.push(...byPartition.values());
  }
  return batches;
};

export const measureCompression = async (options: CompressionOptions): Promise<CompressionResults> => {
  registerKafkaCodecs();
  const batches = partitionBatches(options);
  const results = new Map<KafkaCompression, CodecMeasurement>();
  let noneBytes = 0;
  for (const codec of KAFKA_COMPRESSIONS) {
    const compression = KAFKA_COMPRESSION_TYPES.get(codec) ?? 0;
    let bytes = 0;
    const started = performance.now();
    for (const batch of batches) {
      const records = batch.map((m, offsetDelta) => Record({ ...m, offsetDelta }));
      bytes += (await RecordBatch({ compression, records, lastOffsetDelta: records.length - 1 })).buffer
        .length;
    }
    const seconds = (performance.now() - started) / 1000;
    if (codec === 'none') noneBytes = bytes;
    results.set(codec, {
      bytesPerRecord: Math.round((bytes / options.records) * 10) / 10,
      ratio: Math.round((bytes / noneBytes) * 1000) / 1000,
      encodeRecordsPerSec: Math.round(options.records / seconds),
    });
  }
  return Object.fromEntries(results) as CompressionResults;
};
