import { resolve } from 'node:path';
import { ENV } from '#core/contract/index.ts';
import { numberFlag, UsageError } from '#scripts/shared/cli.ts';
import {
  LOCAL_PROFILE,
  type LocalBatching,
  localBatching,
  START_PROFILES,
  type StartProfile,
} from './profile.ts';
import { REPO_LOCAL_DIR } from './services/index.ts';

/** `npm start`'s flags: each also read from an environment variable; flags win over env, env over defaults. */
export const startSpec = {
  usage:
    'usage: npm start -- [--no-generator] [--reset] [--kafka-port P] [--dynamodb-port P] [--api-port P] [--state-dir DIR] [--devices N] [--rate R] [--silent-ratio F] [--profile local|realtime|balanced|economy]',
  description: [
    'Runs the whole pipeline locally: Kafka + DynamoDB Local, topic and tables, the raw archive, the state processor',
    '(fed like Lambda), the alert notifier, the lookup API on 127.0.0.1 and the telemetry generator.',
    '  --no-generator    do not produce telemetry (for an outside producer)',
    '  --reset           wipe the state folder first (Kafka log, DynamoDB data, lake, alerts; keeps the jar cache)',
    '  --kafka-port      $FLEETSTREAM_KAFKA_PORT, default 9092',
    '  --dynamodb-port   $FLEETSTREAM_DYNAMODB_PORT, default 8000',
    '  --api-port        $FLEETSTREAM_API_PORT, default 3000',
    '  --state-dir       $FLEETSTREAM_STATE_DIR, default .local',
    '  --devices         generator fleet size, $FLEETSTREAM_DEVICES, default 100',
    '  --rate            generator records/s over all devices, $FLEETSTREAM_RATE, default 200',
    "  --silent-ratio    share of the generator's devices that stop reporting 30-90 s in (0-0.99; the seeded",
    '                    modem-silent rule fires for them ~2-3 min later), $FLEETSTREAM_SILENT_RATIO, default 0',
    '  --profile         how the processor is fed: local (0.5 s window, batches up to 10,000 when behind) or a',
    '                    deployed profile (realtime|balanced|economy: its batch size, window and partitions),',
    '                    $FLEETSTREAM_PROFILE, default local',
  ].join('\n'),
  options: {
    'no-generator': { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'kafka-port': { type: 'string' },
    'dynamodb-port': { type: 'string' },
    'api-port': { type: 'string' },
    'state-dir': { type: 'string' },
    devices: { type: 'string' },
    rate: { type: 'string' },
    'silent-ratio': { type: 'string' },
    profile: { type: 'string' },
  },
} as const;

export interface StartConfig {
  readonly generator: boolean;
  readonly reset: boolean;
  readonly kafkaPort: number;
  readonly dynamodbPort: number;
  readonly apiPort: number;
  readonly stateDir: string;
  readonly devices: number;
  readonly rate: number;
  /** Share of the generator's devices that stop reporting (lambda/generator/silent-devices.ts). */
  readonly silentRatio: number;
  /** The batch size, batching window and partitions the poller uses (profile.ts). */
  readonly batching: LocalBatching;
  /** How soon a changed rule reaches the processor. */
  readonly rulesCacheSeconds: number;
  /** Raw archive buffering interval (Firehose's is 60 s; shorter is friendlier locally). */
  readonly archiveFlushMs: number;
}

const PORT = { min: 1, max: 65535, integer: true };

type FlagValues = Record<string, string | boolean | undefined>;

/** The flag's value, else the environment variable's, else the default; with the name an error should quote. */
const pick = (
  values: FlagValues,
  names: { flag: string; env: string },
  fallback: string,
): [string, string] => {
  const raw = values[names.flag];
  if (typeof raw === 'string') return [names.flag, raw];
  const fromEnv = process.env[names.env];
  return fromEnv !== undefined && fromEnv !== ''
    ? [`${names.flag} (from ${names.env})`, fromEnv]
    : [names.flag, fallback];
};

const profileFrom = ([name, value]: [string, string]): StartProfile => {
  const profile = START_PROFILES.find((p) => p === value);
  if (profile === undefined)
    throw new UsageError(`--${name} must be one of ${START_PROFILES.join(', ')}, got "${value}"`);
  return profile;
};

/** Flags win over environment variables, which win over defaults. */
export const configFrom = (values: FlagValues): StartConfig => {
  const num = (flag: string, env: string, fallback: number, limits: Parameters<typeof numberFlag>[2]) =>
    numberFlag(...pick(values, { flag, env }, String(fallback)), limits);
  return {
    generator: values['no-generator'] !== true,
    reset: values.reset === true,
    kafkaPort: num('kafka-port', 'FLEETSTREAM_KAFKA_PORT', 9092, PORT),
    dynamodbPort: num('dynamodb-port', 'FLEETSTREAM_DYNAMODB_PORT', 8000, PORT),
    apiPort: num('api-port', 'FLEETSTREAM_API_PORT', 3000, PORT),
    stateDir: resolve(pick(values, { flag: 'state-dir', env: 'FLEETSTREAM_STATE_DIR' }, REPO_LOCAL_DIR)[1]),
    devices: num('devices', 'FLEETSTREAM_DEVICES', 100, { min: 1, max: 1_000_000, integer: true }),
    rate: num('rate', 'FLEETSTREAM_RATE', 200, { min: 0 }),
    silentRatio: num('silent-ratio', 'FLEETSTREAM_SILENT_RATIO', 0, { min: 0, max: 0.99 }),
    batching: localBatching(
      profileFrom(pick(values, { flag: 'profile', env: 'FLEETSTREAM_PROFILE' }, LOCAL_PROFILE)),
    ),
    rulesCacheSeconds: num('rules-cache-seconds', ENV.rulesCacheSeconds, 5, { min: 1 }),
    archiveFlushMs: num('archive-flush-ms', 'FLEETSTREAM_ARCHIVE_FLUSH_MS', 10_000, {
      min: 100,
      integer: true,
    }),
  };
};
