/**
 * Typed, validated configuration from the cdk.json context key `fleetstream`. Read once in bin/app.ts and passed
 * down as props: stacks and constructs never read context themselves.
 */
import {
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_TOPIC,
  KAFKA_NAME,
  KAFKA_NAME_RULE,
  PARTITIONS,
} from '#core/contract/index.ts';
import { CURATED_LAKE_KEY, type CuratedLakeConfig, parseCuratedLake } from './config/lake.ts';
import { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.ts';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';
export type VpcEgress = 'endpoints' | 'nat';

export interface ProcessorConfig {
  /** Records per Lambda invocation (MSK event source: 1–10,000). */
  readonly batchSize: number;
  /** How long the poller gathers records before invoking (0–300 s). */
  readonly maxBatchingWindowSeconds: number;
  readonly startingPosition: StartingPosition;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Kafka consumer group of the event source mapping. */
  readonly consumerGroupId: string;
  /**
   * Provisioned mode of the event source mapping (a floor and a ceiling of event pollers, billed per poller unit), with
   * the mapping's Kafka metrics turned on; `undefined` = on-demand pollers. See docs/OPERATIONS.md for when to use it.
   */
  readonly provisionedPollers: ProvisionedPollers | undefined;
}

export interface ProvisionedPollers {
  readonly minimum: number;
  readonly maximum: number;
}

/** Lambda's accepted ranges for MSK (API_ProvisionedPollerConfig); checked here and by the StateProcessor construct. */
export const POLLER_RANGES = { minimum: { min: 1, max: 200 }, maximum: { min: 1, max: 2000 } } as const;

export interface ApiConfig {
  readonly rateLimit: number;
  readonly burstLimit: number;
  /**
   * Create the region's account-level role API Gateway logs with (and point the account setting at it). The role is
   * retained when the stack is deleted, so other APIs of the region keep logging. Set false when the account setting is
   * managed elsewhere (it must then already name a role, or the stage's logging fails to deploy).
   */
  readonly accountCloudWatchRole: boolean;
}

export interface FleetStreamConfig {
  /** The operating point the batching window, partitions and memory default to (lib/profiles.ts). */
  readonly profile: ProfileName;
  readonly topicName: string;
  readonly topicPartitions: number;
  /** Delete the Kafka topic when the stack is deleted (the default keeps it, like a retained table). */
  readonly deleteTopicOnRemoval: boolean;
  /** `maxAzs` is fixed at creation (changing it replaces the MSK cluster); `egress` changes in place. */
  readonly vpc: { readonly maxAzs: number; readonly egress: VpcEgress };
  readonly processor: ProcessorConfig;
  readonly windowRetentionDays: number;
  readonly deletionProtection: boolean;
  /** Email subscribed to device alerts; empty for none. */
  readonly alertEmail: string;
  /** Email subscribed to operational alarms; empty for none. */
  readonly opsEmail: string;
  readonly api: ApiConfig;
  readonly curatedLake: CuratedLakeConfig;
}

export const CONTEXT_KEY = 'fleetstream';

const defaultPoint = PROFILES[DEFAULT_PROFILE];

/** What an absent key means (the default profile's operating point included); the cost model prices these defaults. */
export const CONFIG_DEFAULTS = {
  profile: DEFAULT_PROFILE,
  topicName: DEFAULT_TOPIC,
  topicPartitions: defaultPoint.topicPartitions,
  deleteTopicOnRemoval: false,
  vpc: { maxAzs: 2, egress: 'endpoints' },
  processor: {
    batchSize: 10_000,
    maxBatchingWindowSeconds: defaultPoint.maxBatchingWindowSeconds,
    startingPosition: 'TRIM_HORIZON',
    memoryMb: defaultPoint.memoryMb,
    timeoutSeconds: 120,
    consumerGroupId: DEFAULT_CONSUMER_GROUP,
    provisionedPollers: undefined,
  },
  windowRetentionDays: 7,
  deletionProtection: true,
  alertEmail: '',
  opsEmail: '',
  api: { rateLimit: 50, burstLimit: 100, accountCloudWatchRole: true },
} as const;

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects every problem so one synth reports all of them, not just the first. */
class Checker {
  readonly errors: string[] = [];

  section(raw: unknown, path: string, known: readonly string[]): Raw {
    if (raw === undefined) return {};
    if (!isRecord(raw)) {
      this.errors.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
      return {};
    }
    for (const key of Object.keys(raw)) {
      if (!known.includes(key))
        this.errors.push(`${path}.${key} is not a known setting (known: ${known.join(', ')})`);
    }
    return raw;
  }

  int(raw: Raw, path: string, key: string, fallback: number, min: number, max: number): number {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(
        `${path}.${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
      return fallback;
    }
    return value;
  }

  bool(raw: Raw, path: string, key: string, fallback: boolean): boolean {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'boolean') {
      this.errors.push(`${path}.${key} must be true or false, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(raw: Raw, path: string, key: string, fallback: T, allowed: readonly T[]): T {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.errors.push(`${path}.${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value as T;
  }

  pattern(raw: Raw, path: string, key: string, fallback: string, re: RegExp, what: string): string {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'string' || !re.test(value)) {
      this.errors.push(`${path}.${key} must be ${what}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }
}

// Deliberately loose: SNS validates the address; this catches typos such as a missing @ at synth time.
const EMAIL_OR_EMPTY = /^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `undefined`/absent = on-demand pollers; otherwise both bounds, within Lambda's ranges for Kafka, minimum ≤ maximum. */
const parseProvisionedPollers = (c: Checker, raw: unknown, path: string): ProvisionedPollers | undefined => {
  if (raw === undefined) return undefined;
  const section = c.section(raw, path, ['minimum', 'maximum']);
  if (!isRecord(raw)) return undefined;
  for (const key of ['minimum', 'maximum'])
    if (section[key] === undefined) c.errors.push(`${path}.${key} is required when ${path} is set`);
  const errorsBefore = c.errors.length;
  const { minimum: lo, maximum: hi } = POLLER_RANGES;
  const minimum = c.int(section, path, 'minimum', 1, lo.min, lo.max);
  const maximum = c.int(section, path, 'maximum', 1, hi.min, hi.max);
  if (c.errors.length === errorsBefore && minimum > maximum)
    c.errors.push(`${path}.minimum (${minimum}) must not exceed ${path}.maximum (${maximum})`);
  return { minimum, maximum };
};

/**
 * Builds the typed config from the raw context value, throwing one error that lists every invalid setting.
 * Missing settings take the defaults above; unknown settings are rejected so a typo cannot silently fall back.
 */
export const parseConfig = (context: unknown): FleetStreamConfig => {
  const c = new Checker();
  // `cdk synth -c fleetstream='{"…"}'` passes the value as a string.
  if (typeof context === 'string') {
    try {
      context = JSON.parse(context) as unknown;
    } catch {
      throw new Error(`Invalid FleetStream configuration: context "${CONTEXT_KEY}" is not JSON: ${context}`);
    }
  }
  const root = c.section(context, CONTEXT_KEY, [
    'profile',
    'topicName',
    'topicPartitions',
    'deleteTopicOnRemoval',
    'vpc',
    'processor',
    'windowRetentionDays',
    'deletionProtection',
    'alertEmail',
    'opsEmail',
    'api',
    CURATED_LAKE_KEY,
  ]);
  const vpc = c.section(root.vpc, `${CONTEXT_KEY}.vpc`, ['maxAzs', 'egress']);
  const processor = c.section(root.processor, `${CONTEXT_KEY}.processor`, [
    'batchSize',
    'maxBatchingWindowSeconds',
    'startingPosition',
    'memoryMb',
    'timeoutSeconds',
    'consumerGroupId',
    'provisionedPollers',
  ]);
  const api = c.section(root.api, `${CONTEXT_KEY}.api`, ['rateLimit', 'burstLimit', 'accountCloudWatchRole']);
  const p = `${CONTEXT_KEY}.processor`;
  const d = CONFIG_DEFAULTS;
  const profile = c.oneOf<ProfileName>(root, CONTEXT_KEY, 'profile', d.profile, PROFILE_NAMES);
  const point = PROFILES[profile];

  const config: FleetStreamConfig = {
    profile,
    topicName: c.pattern(
      root,
      CONTEXT_KEY,
      'topicName',
      d.topicName,
      KAFKA_NAME,
      `a Kafka topic name (${KAFKA_NAME_RULE})`,
    ),
    // MSK Serverless allows at most 2,400 partitions per cluster.
    topicPartitions: c.int(
      root,
      CONTEXT_KEY,
      'topicPartitions',
      point.topicPartitions,
      PARTITIONS.min,
      PARTITIONS.max,
    ),
    deleteTopicOnRemoval: c.bool(root, CONTEXT_KEY, 'deleteTopicOnRemoval', d.deleteTopicOnRemoval),
    vpc: {
      maxAzs: c.int(vpc, `${CONTEXT_KEY}.vpc`, 'maxAzs', d.vpc.maxAzs, 2, 3),
      egress: c.oneOf<VpcEgress>(vpc, `${CONTEXT_KEY}.vpc`, 'egress', d.vpc.egress, ['endpoints', 'nat']),
    },
    processor: {
      batchSize: c.int(processor, p, 'batchSize', d.processor.batchSize, 1, 10_000),
      maxBatchingWindowSeconds: c.int(
        processor,
        p,
        'maxBatchingWindowSeconds',
        point.maxBatchingWindowSeconds,
        0,
        300,
      ),
      startingPosition: c.oneOf<StartingPosition>(
        processor,
        p,
        'startingPosition',
        d.processor.startingPosition,
        ['TRIM_HORIZON', 'LATEST'],
      ),
      memoryMb: c.int(processor, p, 'memoryMb', point.memoryMb, 128, 10_240),
      timeoutSeconds: c.int(processor, p, 'timeoutSeconds', d.processor.timeoutSeconds, 1, 900),
      consumerGroupId: c.pattern(
        processor,
        p,
        'consumerGroupId',
        d.processor.consumerGroupId,
        KAFKA_NAME,
        'a Kafka group id',
      ),
      provisionedPollers: parseProvisionedPollers(c, processor.provisionedPollers, `${p}.provisionedPollers`),
    },
    windowRetentionDays: c.int(root, CONTEXT_KEY, 'windowRetentionDays', d.windowRetentionDays, 1, 3650),
    deletionProtection: c.bool(root, CONTEXT_KEY, 'deletionProtection', d.deletionProtection),
    alertEmail: c.pattern(
      root,
      CONTEXT_KEY,
      'alertEmail',
      d.alertEmail,
      EMAIL_OR_EMPTY,
      'an email address or ""',
    ),
    opsEmail: c.pattern(root, CONTEXT_KEY, 'opsEmail', d.opsEmail, EMAIL_OR_EMPTY, 'an email address or ""'),
    api: {
      rateLimit: c.int(api, `${CONTEXT_KEY}.api`, 'rateLimit', d.api.rateLimit, 1, 10_000),
      burstLimit: c.int(api, `${CONTEXT_KEY}.api`, 'burstLimit', d.api.burstLimit, 1, 5_000),
      accountCloudWatchRole: c.bool(
        api,
        `${CONTEXT_KEY}.api`,
        'accountCloudWatchRole',
        d.api.accountCloudWatchRole,
      ),
    },
    curatedLake: parseCuratedLake(root[CURATED_LAKE_KEY], `${CONTEXT_KEY}.${CURATED_LAKE_KEY}`, c.errors),
  };

  if (c.errors.length > 0) {
    throw new Error(
      `Invalid FleetStream configuration (cdk.json context "${CONTEXT_KEY}"):\n  - ${c.errors.join('\n  - ')}`,
    );
  }
  return config;
};
