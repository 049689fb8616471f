import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runGenerator } from '#lambda/generator/run.ts';
import { createTestTopic, readAll, testKafka } from '#test/support/kafka.ts';
import { ensureKafkaPython, pythonConsume, pythonProduce } from '#test/support/kafka-python.ts';

// Issue 14, as a new user tried it: kafka-python producing snappy, lz4 or zstd. Our client (the one the poller and the
// raw archive use) must read what Python writes, and Python (standing in for every other Kafka client) must read
// what our generator writes: the framings are the ecosystem's (xerial snappy, LZ4 frames, zstd frames).

const brokers = () => inject('brokers');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

beforeAll(ensureKafkaPython, 420_000);

describe('Kafka codecs against kafka-python', () => {
  it.each(CODECS)('%s: kafka-python → our client, and our generator → kafka-python', async (codec) => {
    const fromPython = await createTestTopic(brokers(), `py-${codec}`, 3);
    const sent = await pythonProduce(brokers(), fromPython, codec, 300);
    const read = await readAll(brokers(), fromPython, sent.length);
    expect(read.map((m) => m.value?.toString() ?? '').sort()).toEqual([...sent].sort());

    const fromUs = await createTestTopic(brokers(), `js-${codec}`, 3);
    const summary = await runGenerator(testKafka(brokers()), {
      topic: fromUs,
      devices: 20,
      count: 500,
      seed: codec,
      compression: codec,
    });
    expect(summary).toMatchObject({ sent: 500, errors: 0 });
    const ours = await readAll(brokers(), fromUs, 500);
    const theirs = await pythonConsume(brokers(), fromUs, 500);
    expect([...theirs].sort()).toEqual(ours.map((m) => m.value?.toString() ?? '').sort());
  });
});
