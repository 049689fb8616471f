/** Where a consumer group stands on one partition. */
export interface PartitionPosition {
  readonly partition: number;
  /** The next offset the group reads: its committed offset, or the partition's start when it has none. */
  readonly offset: number;
  /** The partition's end (high watermark). */
  readonly end: number;
}

/** What kafkajs' admin.fetchTopicOffsets answers, per partition (offsets as strings). */
type PartitionEnds = ReadonlyArray<{
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}>;
/** What kafkajs' admin.fetchOffsets answers for one topic, per partition. */
type CommittedOffsets = ReadonlyArray<{ readonly partition: number; readonly offset: string }>;

/**
 * The group's position on every partition of the topic, in partition order, from what the admin client fetched
 * (fetchTopicOffsets, fetchOffsets). Kafka answers -1 for a partition the group never committed; the local consumers
 * read from the beginning, so that partition's position is its low watermark.
 */
export const groupPositions = (ends: PartitionEnds, committed: CommittedOffsets): PartitionPosition[] => {
  const next = new Map(committed.map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map(({ partition, high, low }) => {
      const at = next.get(partition) ?? -1;
      return { partition, offset: at >= 0 ? at : Number(low), end: Number(high) };
    })
    .sort((a, b) => a.partition - b.partition);
};
