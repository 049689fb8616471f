import { createRequire } from 'node:module';
import fc from 'fast-check';
import produceRequests from 'kafkajs/src/protocol/requests/produce/index.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crc32c } from '#lambda/generator/crc32c.ts';
import {
  encodeProduceRequest,
  encodesHere,
  installProduceEncoder,
  type ProduceArgs,
} from '#lambda/generator/produce-encoder.ts';

// kafkajs's own encoders, loaded from its sources: what the broker would receive without produce-encoder.ts.
const internal = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const kafkajsV3 = internal('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: ProduceArgs) => {
  encode(): Promise<Encoded>;
};
const kafkajsCrc32c = internal('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const kafkajsBytes = async (args: ProduceArgs) => (await kafkajsV3(args).encode()).buffer;

const bytes = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const message = fc.record({ key: bytes, value: bytes });
const partition = fc.record({
  partition: fc.integer({ min: 0, max: 99 }),
  firstSequence: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }),
  // Up to 200 records: offset deltas beyond one varint byte (64+).
  messages: fc.array(message, { minLength: 1, maxLength: 200 }),
});
const produceArgs: fc.Arbitrary<ProduceArgs> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 0, max: 60_000 }),
  transactionalId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  producerId: fc.option(fc.bigInt({ min: -1n, max: 2n ** 40n }), { nil: undefined }),
  producerEpoch: fc.option(fc.integer({ min: 0, max: 32_000 }), { nil: undefined }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 30 }),
      partitions: fc.array(partition, { maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('crc32c', () => {
  it('gives the standard check value and kafkajs’s CRC-32C on any bytes and lengths', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (a) => {
        const b = Buffer.from(a);
        expect(crc32c(b)).toBe(kafkajsCrc32c(b));
      }),
    );
  });

  it('checksums a slice [start, end) like the slice itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.nat(), fc.nat(), (a, x, y) => {
        const [start, end] = [x % a.length, y % a.length].sort((p, q) => p - q) as [number, number];
        expect(crc32c(a, start, end)).toBe(crc32c(a.slice(start, end)));
      }),
    );
  });
});

describe('produce encoder', () => {
  beforeEach(() => {
    // kafkajs stamps each batch with Date.now(): hold it so both encoders stamp the same time.
    vi.spyOn(Date, 'now').mockReturnValue(1_796_000_000_123);
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes the same bytes as kafkajs’s Produce v3 encoder for any uncompressed request', async () => {
    await fc.assert(
      fc.asyncProperty(produceArgs, async (args) => {
        expect(encodesHere(args)).toBe(true);
        expect(encodeProduceRequest(args).equals(await kafkajsBytes(args))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves to kafkajs what it does not encode: compression, timestamps, headers', () => {
    const base: ProduceArgs = {
      acks: -1,
      timeout: 30_000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }],
    };
    const withMessage = (extra: object): ProduceArgs => ({
      ...base,
      topicData: [
        { topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', ...extra }] }] },
      ],
    });
    expect(encodesHere(base)).toBe(true);
    expect(encodesHere({ ...base, compression: 1 })).toBe(false);
    expect(encodesHere(withMessage({ timestamp: 5 }))).toBe(false);
    expect(encodesHere(withMessage({ headers: { h: 'x' } }))).toBe(false);
    expect(encodesHere(withMessage({ headers: {} }))).toBe(true);
  });

  it('once installed, kafkajs’s Produce v3–v7 requests carry the same bytes, whoever encodes them', async () => {
    const before = [3, 4, 5, 6, 7].map((version) => produceRequests.protocol({ version }));
    installProduceEncoder();
    installProduceEncoder(); // idempotent: a second call must not wrap twice
    const timestamped = (args: ProduceArgs): ProduceArgs => ({
      ...args,
      topicData: args.topicData.map((t) => ({
        ...t,
        partitions: t.partitions.map((p) => ({
          ...p,
          messages: p.messages.map((m) => ({ ...m, timestamp: 7 })),
        })),
      })),
    });
    await fc.assert(
      fc.asyncProperty(produceArgs, fc.boolean(), async (generated, stamp) => {
        const args = stamp ? timestamped(generated) : generated;
        for (const [i, version] of [3, 4, 5, 6, 7].entries()) {
          const ours = produceRequests.protocol({ version })(args).request;
          const theirs = before[i]?.(args).request;
          expect(ours.apiVersion).toBe(version);
          const [a, b] = [(await ours.encode()) as Encoded, (await theirs?.encode()) as Encoded];
          expect(a.buffer.equals(b.buffer)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
