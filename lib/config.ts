/**
 * Typed, validated configuration from the cdk.json context key `fleetstream`. Read once in bin/app.ts and passed
 * down as props: stacks and constructs never read context themselves.
 *
 * Every key is one entry of SETTINGS below (type, range, default, doc); the type, the parser, CONFIG_DEFAULTS and the
 * reference table in docs/ARCHITECTURE.md all follow from it (lib/config/schema.ts). To add a section, write it as
 * `export const X_SETTINGS = section({...})` in `lib/config/<name>.ts` and add one line here.
 */
import {
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_TOPIC,
  DEFAULT_WINDOW_RETENTION_DAYS,
  KAFKA_NAME,
  KAFKA_NAME_RULE,
  LAMBDA_LIMITS,
  PARTITIONS,
} from '#core/contract/index.ts';
import { CLIENT_VPCS, INGEST, PRODUCER_ACCOUNTS } from '#lib/config/front-door.ts';
import { GUARDRAILS } from '#lib/config/guardrails.ts';
import { PROCESSOR_GUARDRAILS } from '#lib/config/guardrails-processor.ts';
import { CURATED_LAKE } from '#lib/config/lake.ts';
import { PROVISIONED_POLLERS } from '#lib/config/pollers.ts';
import {
  bool,
  Checker,
  type ConfigOf,
  defaultsOf,
  int,
  oneOf,
  parseSection,
  referenceRows,
  section,
  text,
} from '#lib/config/schema.ts';
import { SILENCE_SWEEP } from '#lib/config/silence.ts';
import { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.ts';

export { POLLER_RANGES, type ProvisionedPollers } from '#lib/config/pollers.ts';

// Deliberately loose: SNS validates the address; this catches typos such as a missing @ at synth time.
const EMAIL_OR_EMPTY = /^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const { batchSize, batchingWindowSeconds, memoryMb, timeoutSeconds } = LAMBDA_LIMITS;

const pointDoc = (name: ProfileName): string => {
  const p = PROFILES[name];
  return `\`${name}\` (window ${p.maxBatchingWindowSeconds} s, ${p.topicPartitions} partitions, ${p.memoryMb.toLocaleString('en-US')} MB)`;
};

/** Every key of the `fleetstream` context, in the order errors are reported. */
const SETTINGS = {
  profile: oneOf({
    values: PROFILE_NAMES,
    default: DEFAULT_PROFILE,
    selectsProfile: true,
    doc: `The operating point the keys marked *profile* default to: ${PROFILE_NAMES.map(pointDoc).join(', ')}; a key set explicitly wins (\`lib/profiles.ts\`, docs/SCALING.md "Operating point")`,
  }),
  topicName: text({
    pattern: KAFKA_NAME,
    what: `a Kafka topic name (${KAFKA_NAME_RULE})`,
    default: DEFAULT_TOPIC,
    doc: 'The telemetry topic',
  }),
  topicPartitions: int({
    ...PARTITIONS,
    default: { profile: 'topicPartitions' },
    doc: 'Partitions of the topic (MSK Serverless: at most 2,400 per cluster); can only grow',
  }),
  deleteTopicOnRemoval: bool({
    default: false,
    doc: 'Delete the Kafka topic when the stack is deleted (the default keeps it, like a retained table)',
  }),
  vpc: section({
    maxAzs: int({
      min: 2,
      max: 3,
      default: 2,
      doc: '**Fixed at creation**: changing it replaces the MSK cluster (`Fn::GetAZs` at deploy)',
    }),
    egress: oneOf({
      values: ['endpoints', 'nat'],
      default: 'endpoints',
      doc: 'How functions reach AWS APIs; changes in place',
    }),
    clientVpcs: CLIENT_VPCS,
  }),
  producerAccounts: PRODUCER_ACCOUNTS,
  ingest: INGEST,
  processor: section({
    batchSize: int({
      ...batchSize,
      default: batchSize.max,
      doc: 'Records per Lambda invocation (MSK event source)',
    }),
    maxBatchingWindowSeconds: int({
      ...batchingWindowSeconds,
      default: { profile: 'maxBatchingWindowSeconds' },
      doc: 'How long the poller gathers records before invoking',
    }),
    startingPosition: oneOf({
      values: ['TRIM_HORIZON', 'LATEST'],
      default: 'TRIM_HORIZON',
      doc: 'Where a new event source mapping starts reading',
    }),
    memoryMb: int({
      ...memoryMb,
      default: { profile: 'memoryMb' },
      doc: 'State processor memory (1,769 MB = one vCPU)',
    }),
    timeoutSeconds: int({ ...timeoutSeconds, default: 120, doc: 'State processor timeout' }),
    consumerGroupId: text({
      pattern: KAFKA_NAME,
      what: 'a Kafka group id',
      default: DEFAULT_CONSUMER_GROUP,
      doc: 'Kafka consumer group of the event source mapping',
    }),
    provisionedPollers: PROVISIONED_POLLERS,
  }),
  processorGuardrails: PROCESSOR_GUARDRAILS,
  windowRetentionDays: int({
    min: 1,
    max: 3650,
    default: DEFAULT_WINDOW_RETENTION_DAYS,
    doc: 'Days a closed minute window is kept (its TTL)',
  }),
  deletionProtection: bool({ default: true, doc: 'Tables: deletion protection + RETAIN' }),
  alertEmail: text({
    pattern: EMAIL_OR_EMPTY,
    what: 'an email address or ""',
    default: '',
    doc: 'Email subscribed to device alerts; empty for none',
  }),
  opsEmail: text({
    pattern: EMAIL_OR_EMPTY,
    what: 'an email address or ""',
    default: '',
    doc: 'Email subscribed to operational alarms; empty for none',
  }),
  api: section({
    rateLimit: int({ min: 1, max: 10_000, default: 50, doc: 'Stage throttling: requests per second' }),
    burstLimit: int({ min: 1, max: 5_000, default: 100, doc: 'Stage throttling: burst' }),
    accountCloudWatchRole: bool({
      default: true,
      doc: "Create (and retain) the region's API Gateway logging role; false = the account setting already names one",
    }),
  }),
  guardrails: GUARDRAILS,
  curatedLake: CURATED_LAKE,
  silenceSweep: SILENCE_SWEEP,
};

export type FleetStreamConfig = ConfigOf<typeof SETTINGS>;
export type ProcessorConfig = FleetStreamConfig['processor'];
export type ApiConfig = FleetStreamConfig['api'];
export type StartingPosition = ProcessorConfig['startingPosition'];
export type VpcEgress = FleetStreamConfig['vpc']['egress'];

export const CONTEXT_KEY = 'fleetstream';

/** What an absent key means (the default profile's operating point included); the cost model prices these defaults. */
export const CONFIG_DEFAULTS: FleetStreamConfig = defaultsOf(SETTINGS, PROFILES[DEFAULT_PROFILE]);

/** The reference table of every key (docs/ARCHITECTURE.md "Configuration" holds it verbatim; a test compares). */
export const configReference = (): string =>
  [
    '| Key | Default | Range | Meaning |',
    '|---|---|---|---|',
    ...referenceRows(SETTINGS, PROFILES[DEFAULT_PROFILE]),
  ].join('\n');

/**
 * Builds the typed config from the raw context value, throwing one error that lists every invalid setting.
 * Missing settings take the defaults above; unknown settings are rejected so a typo cannot silently fall back.
 */
export const parseConfig = (context: unknown): FleetStreamConfig => {
  // `cdk synth -c fleetstream='{"…"}'` passes the value as a string.
  if (typeof context === 'string') {
    try {
      context = JSON.parse(context) as unknown;
    } catch {
      throw new Error(`Invalid FleetStream configuration: context "${CONTEXT_KEY}" is not JSON: ${context}`);
    }
  }
  const c = new Checker();
  const config = parseSection(c, SETTINGS, context, CONTEXT_KEY);
  if (c.errors.length > 0) {
    throw new Error(
      `Invalid FleetStream configuration (cdk.json context "${CONTEXT_KEY}"):\n  - ${c.errors.join('\n  - ')}`,
    );
  }
  return config;
};
