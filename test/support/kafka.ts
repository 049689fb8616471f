import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { createKafka } from '#adapters/kafka-client.ts';
import { ensureTopic } from '#adapters/kafka-topic.ts';
import { type EventSourcePollerOptions, startEventSourcePoller } from '#scripts/local/event-source-poller.ts';
import { uniquePrefix } from './local-aws.ts';

export const testKafka = (brokers: string): Kafka =>
  createKafka({ mode: 'local', brokers }, { clientId: 'fleetstream-tests', logLevel: logLevel.NOTHING });

/** A fresh topic no other test uses (the broker does not auto-create topics). */
export const createTestTopic = async (brokers: string, name: string, partitions = 6): Promise<string> => {
  const topic = uniquePrefix(name);
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await ensureTopic(admin, { topic, partitions });
  } finally {
    await admin.disconnect();
  }
  return topic;
};

export type ReadMessage = KafkaMessage & { partition: number };

/** Reads a topic from the start with a throwaway group until `expected` messages arrived or the timeout. */
export const readAll = async (brokers: string, topic: string, expected: number, timeoutMs = 60_000) => {
  const consumer = testKafka(brokers).consumer({ groupId: uniquePrefix('reader'), maxWaitTimeInMs: 200 });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`read ${messages.length} of ${expected} messages from ${topic} in ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      if (expected === 0) {
        clearTimeout(timer);
        resolve();
      }
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) messages.push({ ...m, partition: batch.partition });
            if (messages.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
};

/** Total records in a topic (sum of high watermarks; topics here are never compacted or trimmed). */
export const countRecords = async (brokers: string, topic: string): Promise<number> => {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
};

/**
 * Runs the local event-source poller until it has handled `records` records (or `timeoutMs` passes), then stops it.
 * Answers how many it handled: the caller asserts the count, so a stall fails the test instead of hanging it.
 */
export const pollUntilHandled = async (
  options: EventSourcePollerOptions,
  records: number,
  timeoutMs: number,
): Promise<number> => {
  const poller = await startEventSourcePoller(options);
  try {
    const deadline = Date.now() + timeoutMs;
    while (poller.stats.records < records && Date.now() < deadline) await sleep(100);
  } finally {
    await poller.stop();
  }
  return poller.stats.records;
};
