import { createRequire } from 'node:module';
import fc from 'fast-check';
import { compress as rawSnappy } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { lz4Compress, lz4Decompress } from '#adapters/kafka-codec-lz4.ts';
import { snappyCompress, snappyDecompress } from '#adapters/kafka-codec-snappy.ts';
import { zstdDecompress } from '#adapters/kafka-codec-zstd.ts';
import { BUFFER_CODECS, KAFKA_COMPRESSIONS } from '#adapters/kafka-codecs.ts';

// lz4js' own xxHash32, to check the frame header checksum we compute by hand.
const xxh32 = createRequire(import.meta.url)('lz4js/xxh32.js') as {
  hash(seed: number, data: Uint8Array, index: number, length: number): number;
};

/** Text-like bytes (compressible, as records are) and raw random bytes (incompressible), up to 3 blocks long. */
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200_000 }).map((a) => Buffer.from(a)),
  fc
    .array(fc.constantFrom('{"device_id":"m-1",', '"rx_bytes":12,', '"status":"up"}', '\n', 'x'), {
      maxLength: 20_000,
    })
    .map((parts) => Buffer.from(parts.join(''))),
);

describe('Kafka codecs', () => {
  it('names every Kafka codec', () => {
    expect([...KAFKA_COMPRESSIONS]).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect([...BUFFER_CODECS.keys()]).toEqual(['gzip', 'snappy', 'lz4', 'zstd']);
  });

  it('round-trips any bytes through every codec', async () => {
    await fc.assert(
      fc.asyncProperty(payloads, async (input) => {
        for (const [name, codec] of BUFFER_CODECS) {
          const packed = await codec.compress(input);
          expect((await codec.decompress(packed)).equals(input), name).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('compresses repetitive record batches (each codec is really compressing)', async () => {
    const input = Buffer.from('{"device_id":"m-1","rx_bytes":12,"status":"up"}\n'.repeat(2_000));
    for (const [name, codec] of BUFFER_CODECS) {
      expect((await codec.compress(input)).length, name).toBeLessThan(input.length / 5);
    }
  });
});

describe('snappy', () => {
  it('writes the xerial framing Java and kafka-python write', () => {
    const packed = snappyCompress(Buffer.from('hello'));
    expect([...packed.subarray(0, 16)]).toEqual([0x82, 83, 78, 65, 80, 80, 89, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('reads a raw snappy block, as librdkafka and kafkajs-snappy send', () => {
    const input = Buffer.from('telemetry '.repeat(100));
    expect(snappyDecompress(Buffer.from(rawSnappy(input))).equals(input)).toBe(true);
  });

  it('refuses a truncated xerial block with a reason', () => {
    const packed = snappyCompress(Buffer.from('telemetry '.repeat(100)));
    expect(() => snappyDecompress(packed.subarray(0, packed.length - 3))).toThrow(/overruns/);
  });
});

describe('lz4', () => {
  it('writes a frame header with independent blocks and a valid header checksum', () => {
    const packed = lz4Compress(Buffer.from('hello'));
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    expect((packed[4] ?? 0) & 0x20).toBe(0x20);
    expect(packed[6]).toBe((xxh32.hash(0, packed, 4, 2) >> 8) & 0xff);
  });

  it('compresses each 64 KiB block on its own (no match reaches into the previous block)', () => {
    // Two identical blocks: a linked encoder would make the second a back-reference to the first.
    const block = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 251));
    const packed = lz4Compress(Buffer.concat([block, block]));
    const firstSize = packed.readUInt32LE(7) & 0x7fff_ffff;
    const secondSize = packed.readUInt32LE(7 + 4 + firstSize) & 0x7fff_ffff;
    expect(secondSize).toBe(firstSize);
    expect(lz4Decompress(packed).equals(Buffer.concat([block, block]))).toBe(true);
  });
});

describe('zstd', () => {
  it('reads a streamed frame without a content size, as Java producers write (made by python-zstandard)', () => {
    const frame = Buffer.from(
      '28b52ffd005875010054027b226465766963656964223a2264766330303031222c22737461747573223a227570227d0a0100050dfdea09',
      'hex',
    );
    expect(zstdDecompress(frame).toString()).toBe('{"deviceid":"dvc0001","status":"up"}\n'.repeat(40));
  });
});
