import { DEFAULT_ALERT_GROUP_WINDOW_SECONDS } from '#core/contract/index.ts';
import { CONFIG_DEFAULTS, parseConfig } from '#lib/config.ts';
import { PROFILE_NAMES, type ProfileName } from '#lib/profiles.ts';

/**
 * How `npm start` feeds the state processor: the deployed profiles' numbers read through the same config the stacks
 * read (`parseConfig`), or the `local` profile. `local` keeps the demo's sub-second freshness when idle (a 0.5 s
 * batching window) but takes up to the deployed batch size (Lambda's 10,000 cap) when records are waiting — which is
 * what the event source mapping does when it is behind: a full batch without waiting for the window.
 */
export const LOCAL_PROFILE = 'local';
export const START_PROFILES = [LOCAL_PROFILE, ...PROFILE_NAMES] as const;
export type StartProfile = (typeof START_PROFILES)[number];

export interface LocalBatching {
  readonly profile: StartProfile;
  /** Records per invocation at most (the mapping's BatchSize). */
  readonly batchSize: number;
  /** Longest wait for a batch to fill once a record waits (the mapping's MaximumBatchingWindowInSeconds, in ms). */
  readonly maxBatchingWindowMs: number;
  /** Partitions the topic is created with (or raised to: partitions only grow). */
  readonly partitions: number;
  readonly windowRetentionDays: number;
  /** How long the alerts stream gathers changes for the notifier (its group window); 0 = at once. */
  readonly alertGroupWindowMs: number;
}

/** Six partitions: three per core on a 2-core laptop is plenty for one broker, and a topic grows but never shrinks. */
const LOCAL_PARTITIONS = 6;
const LOCAL_WINDOW_MS = 500;

const isDeployed = (profile: StartProfile): profile is ProfileName => profile !== LOCAL_PROFILE;

/** The local poller's parameters for a profile, from the config the stacks synthesize. */
export const localBatching = (profile: StartProfile): LocalBatching => {
  if (!isDeployed(profile)) {
    return {
      profile,
      batchSize: CONFIG_DEFAULTS.processor.batchSize,
      maxBatchingWindowMs: LOCAL_WINDOW_MS,
      partitions: LOCAL_PARTITIONS,
      windowRetentionDays: CONFIG_DEFAULTS.windowRetentionDays,
      // The demo shows each alert as it happens; deployed profiles group like the notifier's mapping does.
      alertGroupWindowMs: 0,
    };
  }
  const config = parseConfig({ profile });
  return {
    profile,
    batchSize: config.processor.batchSize,
    maxBatchingWindowMs: config.processor.maxBatchingWindowSeconds * 1000,
    partitions: config.topicPartitions,
    windowRetentionDays: config.windowRetentionDays,
    alertGroupWindowMs: DEFAULT_ALERT_GROUP_WINDOW_SECONDS * 1000,
  };
};

/** One line for the banner: what the poller does and why. */
export const describeBatching = (b: LocalBatching): string =>
  `profile ${b.profile}: up to ${b.batchSize.toLocaleString('en-US')} records per invocation, ` +
  `${b.maxBatchingWindowMs / 1000} s batching window, ${b.partitions} partitions`;
