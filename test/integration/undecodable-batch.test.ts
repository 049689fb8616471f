import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { registerKafkaCodecs } from '#adapters/kafka-codecs.ts';
import type { ConsumerStall } from '#scripts/local/consumer-stall.ts';
import { startEventSourcePoller } from '#scripts/local/event-source-poller.ts';
import { startRawArchive } from '#scripts/local/raw-archive.ts';
import { createTestTopic, testKafka } from '#test/support/kafka.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

// A batch in a codec the consumer does not have: kafkajs crashes the consumer for good and, left alone, the local
// pipeline stalls without a word. The poller and the raw archive must say where and why instead.

const brokers = () => inject('brokers');
const { CompressionCodecs, CompressionTypes } = kafkajs;
const codecs = CompressionCodecs as Record<number, () => unknown>;
registerKafkaCodecs();
const registeredZstd = codecs[CompressionTypes.ZSTD];
afterEach(() => {
  if (registeredZstd) codecs[CompressionTypes.ZSTD] = registeredZstd;
});

/** From here on this process reads zstd as a client without the codec would (kafkajs' own stub). */
const forgetZstd = () => {
  codecs[CompressionTypes.ZSTD] = () => {
    // kafkajs' KafkaJSNotImplemented is not exported; its runner recognises it by name.
    throw Object.assign(new Error('ZSTD compression not implemented'), { name: 'KafkaJSNotImplemented' });
  };
};

const produceZstd = async (topic: string, count: number) => {
  const producer = testKafka(brokers()).producer();
  await producer.connect();
  await producer.send({
    topic,
    compression: CompressionTypes.ZSTD,
    messages: Array.from({ length: count }, (_, i) => ({ key: 'only-key', value: `{"seq":${i}}` })),
  });
  await producer.disconnect();
};

const nextStall = () => {
  let resolve: (stall: ConsumerStall) => void = () => {};
  const promise = new Promise<ConsumerStall>((r) => {
    resolve = r;
  });
  return { promise, onStall: (stall: ConsumerStall) => resolve(stall) };
};

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no report of ${what} in ${ms} ms`)), ms),
    ),
  ]);

describe('a batch the local runtime cannot decode', () => {
  it('is reported by the event-source poller with topic, partition, offset and the codec error', async () => {
    const topic = await createTestTopic(brokers(), 'undecodable-esm', 1);
    await produceZstd(topic, 20);
    forgetZstd();
    const handled: number[] = [];
    const stall = nextStall();
    const poller = await startEventSourcePoller({
      brokers: brokers(),
      topic,
      groupId: uniquePrefix('undecodable-esm'),
      handler: async (event) => {
        handled.push(Object.values(event.records).flat().length);
      },
      onStall: stall.onStall,
    });
    try {
      const report = await within(stall.promise, 60_000, 'the poller stall');
      expect(report).toMatchObject({ topic, partitions: [{ partition: 0, offset: 0, end: 20 }] });
      expect(report.error).toMatch(/ZSTD compression not implemented/);
      expect(poller.stats.lastError).toMatch(
        new RegExp(
          `cannot read ${topic} .*ZSTD compression not implemented.*partition 0 at offset 0 \\(end 20\\)`,
        ),
      );
      expect(handled).toEqual([]);
    } finally {
      await poller.stop();
    }
  });

  it('is reported by the raw archive, which archives nothing it could not read', async () => {
    const topic = await createTestTopic(brokers(), 'undecodable-archive', 1);
    await produceZstd(topic, 5);
    forgetZstd();
    const dir = await mkdtemp(join(tmpdir(), 'undecodable-archive-'));
    const stall = nextStall();
    const archive = await startRawArchive({
      brokers: brokers(),
      topic,
      groupId: uniquePrefix('undecodable-archive'),
      dir,
      flushIntervalMs: 200,
      onStall: stall.onStall,
    });
    try {
      const report = await within(stall.promise, 60_000, 'the archive stall');
      expect(report).toMatchObject({ topic, partitions: [{ partition: 0, offset: 0, end: 5 }] });
      expect(report.error).toMatch(/ZSTD compression not implemented/);
      expect(archive.stats.stall).toEqual(report);
      expect(archive.stats.records).toBe(0);
    } finally {
      await archive.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });
});
