import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { type DeliveredRecord, toDeliveredRecord } from '#core/msk-event.ts';

/** Lambda's header shape: one object per header, value as a byte array. */
const toMskHeaders = (headers: IHeaders | undefined): Record<string, number[]>[] => {
  const out: Record<string, number[]>[] = [];
  for (const [key, raw] of Object.entries(headers ?? {})) {
    for (const value of [raw].flat()) {
      if (value !== undefined) out.push({ [key]: [...Buffer.from(value)] });
    }
  }
  return out;
};

/** A fetched kafkajs message as Lambda delivers it (through the one builder in core/msk-event.ts). */
export const toMskRecord = (topic: string, partition: number, message: KafkaMessage): DeliveredRecord =>
  toDeliveredRecord({
    topic,
    partition,
    offset: Number(message.offset),
    timestampMs: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers: toMskHeaders(message.headers),
  });

/**
 * Lambda's eventSourceArn ends with the MSK cluster's UUID; locally the Kafka cluster id plays that part, so a wiped
 * and re-formatted broker (offsets back at 0) is a new incarnation to the processor, as a replaced cluster is in AWS.
 */
export const localEventSourceArn = async (kafka: Kafka): Promise<string> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { clusterId } = await admin.describeCluster();
    return `arn:aws:kafka:local:000000000000:cluster/local/${clusterId}`;
  } finally {
    await admin.disconnect();
  }
};
