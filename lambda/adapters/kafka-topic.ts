import type { Admin } from 'kafkajs';
import { KAFKA_NAME, KAFKA_NAME_RULE, TELEMETRY_TOPIC_CONFIGS } from '#core/contract/index.ts';

/**
 * Idempotent topic creation over the Kafka admin API — the only way on MSK Serverless, where no CloudFormation topic
 * resource exists. Never deletes and never shrinks: an existing topic only grows to the requested partition count.
 */

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** @default -1 — the broker's default (MSK Serverless fixes it at 3; the local broker at 1). */
  readonly replicationFactor?: number;
  /**
   * Topic configs applied at creation only (e.g. `retention.ms`), over TELEMETRY_TOPIC_CONFIGS (the broker's
   * append time as the record timestamp), which they may override.
   */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface EnsureTopicResult {
  readonly topic: string;
  readonly action: 'created' | 'expanded' | 'unchanged';
  readonly partitions: number;
  /** Partition count before this call; absent when the topic was created. */
  readonly previousPartitions?: number;
}

const validateTopicSpec = (spec: TopicSpec): void => {
  if (!KAFKA_NAME.test(spec.topic) || spec.topic === '.' || spec.topic === '..') {
    throw new Error(`invalid topic name "${spec.topic}" (${KAFKA_NAME_RULE})`);
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new Error(`partitions must be a positive integer, got ${spec.partitions}`);
  }
  const rf = spec.replicationFactor;
  if (rf !== undefined && rf !== -1 && (!Number.isInteger(rf) || rf < 1)) {
    throw new Error(`replication factor must be a positive integer or -1, got ${rf}`);
  }
};

const partitionCount = async (admin: Admin, topic: string): Promise<number> => {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
};

/** Creates the topic, or raises its partition count to `spec.partitions`; reports what it did. */
export const ensureTopic = async (admin: Admin, spec: TopicSpec): Promise<EnsureTopicResult> => {
  validateTopicSpec(spec);
  const { topic, partitions } = spec;
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: spec.replicationFactor ?? -1,
          configEntries: Object.entries({ ...TELEMETRY_TOPIC_CONFIGS, ...spec.configs }).map(
            ([name, value]) => ({ name, value }),
          ),
        },
      ],
    });
    // false = someone else created it between listTopics and createTopics: fall through to the "exists" path.
    if (created) return { topic, action: 'created', partitions };
  }
  const current = await partitionCount(admin, topic);
  if (current >= partitions)
    return { topic, action: 'unchanged', partitions: current, previousPartitions: current };
  await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
  return { topic, action: 'expanded', partitions, previousPartitions: current };
};

export const describeTopicResult = (result: EnsureTopicResult): string => {
  switch (result.action) {
    case 'created':
      return `created topic ${result.topic} with ${result.partitions} partitions`;
    case 'expanded':
      return `topic ${result.topic} exists: raised partitions from ${result.previousPartitions} to ${result.partitions}`;
    case 'unchanged':
      return `topic ${result.topic} exists with ${result.partitions} partitions: nothing to do`;
  }
};
