/**
 * The ingest route's Kafka side: one producer per container, connected on first use (and again after a failure),
 * sending a whole request as one batch with acks=all, gzip-compressed, keyed records partitioned like every other
 * producer (Java-compatible murmur2). Resolves only once the brokers acknowledged every record.
 */
import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';

export interface ProducedRecord {
  readonly value: string;
  readonly key: string | null;
}

export type Produce = (records: readonly ProducedRecord[]) => Promise<void>;

export interface IngestProducer {
  readonly produce: Produce;
  disconnect(): Promise<void>;
}

export const ingestProducer = (kafka: Kafka, topic: string): IngestProducer => {
  let connected: Promise<Producer> | null = null;
  const producer = (): Promise<Producer> => {
    if (connected === null) {
      const created = kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: false,
      });
      connected = created.connect().then(() => created);
      connected.catch(() => {
        connected = null;
      });
    }
    return connected;
  };
  return {
    async produce(records) {
      const p = await producer();
      try {
        await p.send({
          topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: records.map((r) => ({ key: r.key, value: r.value })),
        });
      } catch (error) {
        // A broken connection is rebuilt by the next request rather than reused.
        connected = null;
        await p.disconnect().catch(() => undefined);
        throw error;
      }
    },
    async disconnect() {
      const current = connected;
      connected = null;
      if (current !== null) await (await current.catch(() => null))?.disconnect();
    },
  };
};
