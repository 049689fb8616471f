/**
 * The processor's lag through kafkajs admin (silence sweep's LagSource): `fetchTopicOffsets` for each partition's end,
 * `fetchOffsets` for the consumer group's committed offsets. Lambda's MSK event source mapping commits the offsets of
 * the batches it processed to its consumer group (`ConsumerGroupId`), and the local poller commits after each handled
 * batch, so one adapter serves both (plaintext locally, IAM-signed against MSK Serverless).
 */
import type { Admin } from 'kafkajs';
import type { LagSource, PartitionLag } from '#core/silence/ports.ts';

type PartitionEnds = ReadonlyArray<{
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}>;
type Committed = ReadonlyArray<{ readonly partition: number; readonly offset: string }>;

/**
 * Each partition's committed offset and end. Kafka answers -1 for a partition the group never committed: the group
 * then starts at the partition's beginning (TRIM_HORIZON), its low watermark.
 */
export const partitionLag = (ends: PartitionEnds, committed: Committed): PartitionLag[] => {
  const next = new Map(committed.map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map(({ partition, low, high }) => {
      const at = next.get(partition) ?? -1;
      return { partition, committed: at >= 0 ? at : Number(low), end: Number(high) };
    })
    .sort((a, b) => a.partition - b.partition);
};

export interface KafkaLagTarget {
  readonly topic: string;
  readonly groupId: string;
}

export class KafkaLagSource implements LagSource {
  private connected: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly target: KafkaLagTarget,
  ) {}

  async lag(): Promise<PartitionLag[]> {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    const { topic, groupId } = this.target;
    const ends = await this.admin.fetchTopicOffsets(topic);
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return partitionLag(ends, committed?.partitions ?? []);
  }

  async close(): Promise<void> {
    if (this.connected !== undefined) await this.admin.disconnect();
    this.connected = undefined;
  }
}
