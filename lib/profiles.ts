/**
 * Named operating points: how long the poller gathers records, how many partitions, how much Lambda memory. A
 * profile only supplies defaults; a key set in the context wins. Measured and chosen in docs/SCALING.md ("Operating
 * point"): a longer window puts more records per device in a batch, so fewer DynamoDB writes, at the price of data
 * that reaches the API later.
 */
export const PROFILE_NAMES = ['realtime', 'balanced', 'economy'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface OperatingPoint {
  /** `processor.maxBatchingWindowSeconds`. */
  readonly maxBatchingWindowSeconds: number;
  /** `topicPartitions` (partitions only grow: a profile with fewer than the topic has fails the update, clearly). */
  readonly topicPartitions: number;
  /** `processor.memoryMb` (1,769 MB = one vCPU). */
  readonly memoryMb: number;
}

export const PROFILES: Readonly<Record<ProfileName, OperatingPoint>> = {
  // The shortest window the cost model prices sanely (0 = a batch per record); twice the concurrent invocations; a vCPU.
  realtime: { maxBatchingWindowSeconds: 1, topicPartitions: 12, memoryMb: 1769 },
  // Fewer devices behind each partition and 10 s to gather: batches reach the invoke cap with ~20 records per device.
  balanced: { maxBatchingWindowSeconds: 10, topicPartitions: 24, memoryMb: 1024 },
  // Batches fill to the 10,000-record cap on busy partitions; a quiet fleet is seen every 30 s.
  economy: { maxBatchingWindowSeconds: 30, topicPartitions: 24, memoryMb: 1024 },
};

/** The profile an absent `profile` key means (docs/SCALING.md says why). */
export const DEFAULT_PROFILE: ProfileName = 'balanced';
