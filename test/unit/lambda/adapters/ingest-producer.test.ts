import { CompressionTypes, type Kafka, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ingestProducer } from '#adapters/ingest-producer.ts';

/** A kafkajs stand-in: counts producers and connects, records sends, fails what it is told to. */
const fakeKafka = (plan: { failConnects?: number; failSends?: number } = {}) => {
  const state = { producers: 0, connects: 0, disconnects: 0, sends: [] as ProducerRecord[], ...plan };
  const kafka = {
    producer: () => {
      state.producers++;
      return {
        connect: async () => {
          state.connects++;
          if ((state.failConnects ?? 0) > 0) {
            state.failConnects = (state.failConnects ?? 0) - 1;
            throw new Error('connect refused');
          }
        },
        send: async (record: ProducerRecord) => {
          if ((state.failSends ?? 0) > 0) {
            state.failSends = (state.failSends ?? 0) - 1;
            throw new Error('not enough replicas');
          }
          state.sends.push(record);
          return [];
        },
        disconnect: async () => {
          state.disconnects++;
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, state };
};

describe('ingest producer', () => {
  it('sends one batch per request to the topic, acks=all, gzip, keys and values as given', async () => {
    const { kafka, state } = fakeKafka();
    const p = ingestProducer(kafka, 'telemetry');
    await p.produce([
      { value: '{"deviceid":"a"}', key: 'a' },
      { value: '{"x":1}', key: null },
    ]);
    await p.produce([{ value: '{}', key: null }]);
    expect(state.producers).toBe(1);
    expect(state.connects).toBe(1);
    expect(state.sends[0]).toEqual({
      topic: 'telemetry',
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [
        { value: '{"deviceid":"a"}', key: 'a' },
        { value: '{"x":1}', key: null },
      ],
    });
  });

  it('reconnects after a failed connect or send instead of reusing a broken producer', async () => {
    const { kafka, state } = fakeKafka({ failConnects: 1, failSends: 1 });
    const p = ingestProducer(kafka, 't');
    await expect(p.produce([{ value: '{}', key: null }])).rejects.toThrow(/connect refused/);
    await expect(p.produce([{ value: '{}', key: null }])).rejects.toThrow(/not enough replicas/);
    await p.produce([{ value: '{}', key: null }]);
    expect(state.producers).toBe(3);
    expect(state.disconnects).toBe(1);
    expect(state.sends).toHaveLength(1);
    await p.disconnect();
    expect(state.disconnects).toBe(2);
  });
});
