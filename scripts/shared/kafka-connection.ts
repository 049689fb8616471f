import type { RetryOptions } from 'kafkajs';
import { createKafka, type KafkaConnection, parseBrokers } from '#adapters/kafka-client.ts';
import { UsageError } from './cli.ts';

/** The `--local | --brokers B --region R` flags every Kafka script shares. */
export const kafkaConnectionOptions = {
  local: { type: 'boolean' },
  brokers: { type: 'string' },
  region: { type: 'string' },
} as const;

export const KAFKA_CONNECTION_USAGE = '[--local [--brokers 127.0.0.1:9092] | --brokers B --region R]';

/** The local runtime's broker (`npm start`, scripts/local/); `KAFKA_BROKERS` overrides it. */
const DEFAULT_LOCAL_BROKERS = '127.0.0.1:9092';

export const kafkaConnectionFromFlags = (
  values: { local?: boolean | undefined; brokers?: string | undefined; region?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): KafkaConnection => {
  const brokersRaw = values.brokers ?? env.KAFKA_BROKERS;
  if (values.local) {
    if (values.region !== undefined)
      throw new UsageError('--region is for MSK (IAM); it makes no sense with --local');
    return { mode: 'local', brokers: brokerList(brokersRaw ?? DEFAULT_LOCAL_BROKERS) };
  }
  if (brokersRaw === undefined)
    throw new UsageError('give --local, or --brokers (MSK bootstrap, port 9098) and --region');
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '')
    throw new UsageError('--region (or AWS_REGION) is required for MSK IAM auth');
  return { mode: 'iam', brokers: brokerList(brokersRaw), region };
};

const brokerList = (raw: string): string[] => {
  try {
    return parseBrokers(raw);
  } catch (error) {
    throw new UsageError(`--brokers: ${(error as Error).message}`);
  }
};

/**
 * A client for a script: few, quick retries so an unreachable broker fails in seconds with one line rather than
 * kafkajs' minute of retry spam; logs stay off.
 */
export const scriptKafka = (
  connection: KafkaConnection,
  retry: RetryOptions = { retries: 2, initialRetryTime: 300 },
) => createKafka(connection, { clientId: 'fleetstream-scripts', retry });

/** One line for a broker that cannot be reached. */
export const describeConnection = (connection: KafkaConnection): string =>
  `${connection.mode === 'local' ? 'plaintext' : `IAM (${connection.region})`} ${[connection.brokers].flat().join(',')}`;
