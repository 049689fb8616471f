import { gzip as zlibGzip, unzip as zlibUnzip } from 'node:zlib';
import kafkajs, { type CompressionTypes as CompressionType } from 'kafkajs';
import { lz4Compress, lz4Decompress } from './kafka-codec-lz4.ts';
import { snappyCompress, snappyDecompress } from './kafka-codec-snappy.ts';
import { zstdCompress, zstdDecompress } from './kafka-codec-zstd.ts';

/**
 * Every Kafka codec for kafkajs, which ships gzip only: registered once by the shared client adapter, so every
 * producer and consumer built through it (generator, local poller, raw archive, topic admin) reads and writes all
 * five. The same functions are what the bench compresses with, so measured ratios are the producer's.
 */

// kafkajs is CommonJS and Node cannot see CompressionCodecs as a named export: take it from the module object.
const { CompressionCodecs, CompressionTypes } = kafkajs;

export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

export const KAFKA_COMPRESSION_TYPES: ReadonlyMap<KafkaCompression, CompressionType> = new Map([
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
]);

export interface BufferCodec {
  compress(input: Buffer): Promise<Buffer>;
  decompress(input: Buffer): Promise<Buffer>;
}

const gzip = (input: Buffer) =>
  new Promise<Buffer>((ok, fail) => zlibGzip(input, (e, out) => (e ? fail(e) : ok(out))));
const gunzip = (input: Buffer) =>
  new Promise<Buffer>((ok, fail) => zlibUnzip(input, (e, out) => (e ? fail(e) : ok(out))));

/** Buffer-level codecs, keyed by name (the bench compresses generator batches with these). */
export const BUFFER_CODECS: ReadonlyMap<Exclude<KafkaCompression, 'none'>, BufferCodec> = new Map([
  ['gzip', { compress: gzip, decompress: gunzip }],
  [
    'snappy',
    {
      compress: async (b: Buffer) => snappyCompress(b),
      decompress: async (b: Buffer) => snappyDecompress(b),
    },
  ],
  [
    'lz4',
    { compress: async (b: Buffer) => lz4Compress(b), decompress: async (b: Buffer) => lz4Decompress(b) },
  ],
  ['zstd', { compress: zstdCompress, decompress: async (b: Buffer) => zstdDecompress(b) }],
]);

/** kafkajs hands compress() its Encoder; only its buffer matters. */
const kafkajsCodec = (name: string, codec: BufferCodec) => () => ({
  compress: (encoder: { buffer: Buffer }) => codec.compress(encoder.buffer),
  // Named, so a consumer that cannot read a batch says which codec failed on it.
  decompress: (buffer: Buffer) =>
    codec.decompress(buffer).catch((error: unknown) => {
      throw new Error(`${name} batch of ${buffer.length} bytes cannot be decompressed: ${String(error)}`, {
        cause: error,
      });
    }),
});

let registered = false;

/** Idempotent; kafkajs keeps codecs in one module-wide table. */
export const registerKafkaCodecs = (): void => {
  if (registered) return;
  registered = true;
  for (const name of ['snappy', 'lz4', 'zstd'] as const) {
    const type = KAFKA_COMPRESSION_TYPES.get(name);
    const codec = BUFFER_CODECS.get(name);
    if (type === undefined || codec === undefined) throw new Error(`no codec for ${name}`);
    (CompressionCodecs as Record<number, () => unknown>)[type] = kafkajsCodec(name, codec);
  }
};
