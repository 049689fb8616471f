import type { Consumer, Kafka } from 'kafkajs';
import { groupPositions, type PartitionPosition } from './group-positions.ts';

/**
 * kafkajs reports a batch it cannot decode (a codec it does not have, a corrupt batch) only by crashing the consumer:
 * once for good (a codec it lacks) or in a quiet retry loop. Both look like a stalled pipeline. This turns the crash
 * into one report naming the topic, the consumer group, the partitions still behind (where the unreadable batch
 * sits: each one's committed offset and end) and the error.
 */

/** A partition the group is behind on: the unreadable batch starts at or after its offset. */
export type StalledPartition = PartitionPosition;

export interface ConsumerStall {
  readonly topic: string;
  readonly groupId: string;
  readonly error: string;
  /** Whether kafkajs restarts the consumer (it will keep failing on the same batch). */
  readonly restarting: boolean;
  readonly partitions: readonly StalledPartition[];
}

export const formatStall = (stall: ConsumerStall): string => {
  const where =
    stall.partitions.length === 0
      ? 'no partition behind'
      : stall.partitions
          .map((p) => `partition ${p.partition} at offset ${p.offset} (end ${p.end})`)
          .join(', ');
  return (
    `cannot read ${stall.topic} (group ${stall.groupId}): ${stall.error} — stuck at ${where}; ` +
    (stall.restarting ? 'retrying' : 'stopped reading')
  );
};

/** Partitions whose committed offset is short of their end; a group with no commit yet reads from the start. */
export const stalledPartitions = async (kafka: Kafka, topic: string, groupId: string) => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return groupPositions(ends, committed?.partitions ?? []).filter((p) => p.offset < p.end);
  } finally {
    await admin.disconnect();
  }
};

const rootCause = (error: unknown): unknown => {
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause;
};

const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // kafkajs wraps retried errors ("… retries exceeded"); the codec's own message is the useful one.
  const root = rootCause(error);
  return root === error || !(root instanceof Error)
    ? `${error.name}: ${error.message}`
    : `${error.message} (${root.name}: ${root.message})`;
};

/**
 * Worth a report: kafkajs gave up on the consumer, or it keeps restarting on something that is not a broker
 * condition (a codec or decoder error). A broker hiccup it restarts from (coordinator loading, rebalance) is not.
 */
export const isStall = (error: unknown, restarting: boolean): boolean => {
  if (!restarting) return true;
  const root = rootCause(error);
  return !(root instanceof Error && root.name.startsWith('KafkaJS'));
};

/** Calls onStall for every stalling crash, with the partitions behind; only the latest crash is reported. */
export const watchConsumerStall = (
  consumer: Consumer,
  kafka: Kafka,
  where: { readonly topic: string; readonly groupId: string },
  onStall: (stall: ConsumerStall) => void,
): (() => void) => {
  let latest = 0;
  return consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!isStall(payload.error, payload.restart)) return;
    const crash = ++latest;
    const base = { ...where, error: messageOf(payload.error), restarting: payload.restart };
    const report = (stall: ConsumerStall) => {
      if (crash === latest) onStall(stall);
    };
    stalledPartitions(kafka, where.topic, where.groupId).then(
      (partitions) => report({ ...base, partitions }),
      (error: unknown) =>
        report({ ...base, error: `${base.error} (positions unknown: ${messageOf(error)})`, partitions: [] }),
    );
  });
};
