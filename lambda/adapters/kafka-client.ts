import { Kafka, type KafkaConfig, type logCreator, logLevel, type RetryOptions } from 'kafkajs';
import { registerKafkaCodecs } from './kafka-codecs.ts';
import { createMskIamTokenProvider, type MskTokenSigner, type OauthBearerProvider } from './msk-iam-token.ts';

/**
 * The one place a kafkajs client is built: plaintext for the local broker, TLS + IAM-signed OAUTHBEARER for MSK
 * Serverless (port 9098). Used by the scripts, the topic custom resource and the load-generator Lambda.
 */

export type KafkaConnection =
  | { readonly mode: 'local'; readonly brokers: string | readonly string[] }
  | { readonly mode: 'iam'; readonly brokers: string | readonly string[]; readonly region: string };

export interface CreateKafkaOptions {
  /** @default 'fleetstream' */
  readonly clientId?: string;
  /** TCP connect timeout. @default 3_000 (local) / 10_000 (iam) */
  readonly connectionTimeout?: number;
  /** @default 30_000 */
  readonly requestTimeout?: number;
  /** kafkajs retry policy for connects and requests. @default kafkajs' (5 retries, exponential) */
  readonly retry?: RetryOptions;
  /** @default logLevel.NOTHING — kafkajs is very chatty on retries; callers opt in. */
  readonly logLevel?: logLevel;
  /** Where enabled log lines go, one line each. @default console.error */
  readonly log?: (line: string) => void;
  /** Overrides the IAM token provider (tests). */
  readonly tokenProvider?: OauthBearerProvider;
  /** Overrides the IAM signer, keeping the caching provider (tests). */
  readonly signer?: MskTokenSigner;
}

/** Splits "host:port,host:port" and validates each entry, so a typo fails here and not after a minute of retries. */
export const parseBrokers = (brokers: string | readonly string[]): string[] => {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers])
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (list.length === 0) throw new Error('no Kafka brokers given');
  for (const broker of list) {
    const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(broker);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535)
      throw new Error(`invalid broker address "${broker}" (expected host:port)`);
  }
  return list;
};

/** One short line per kafkajs log entry, no stack traces or JSON dumps. */
export const shortLogCreator =
  (log: (line: string) => void): logCreator =>
  () =>
  ({ namespace, label, log: entry }) => {
    const broker = typeof entry.broker === 'string' ? ` [${entry.broker}]` : '';
    const error = typeof entry.error === 'string' && entry.error !== entry.message ? `: ${entry.error}` : '';
    log(`kafka ${label.toLowerCase()} ${namespace}${broker}: ${entry.message}${error}`);
  };

/** The kafkajs config for a connection (separate from createKafka so tests can inspect it). */
export const kafkaConfig = (connection: KafkaConnection, options: CreateKafkaOptions = {}): KafkaConfig => {
  const brokers = parseBrokers(connection.brokers);
  const base: KafkaConfig = {
    clientId: options.clientId ?? 'fleetstream',
    brokers,
    connectionTimeout: options.connectionTimeout ?? (connection.mode === 'local' ? 3_000 : 10_000),
    requestTimeout: options.requestTimeout ?? 30_000,
    logLevel: options.logLevel ?? logLevel.NOTHING,
    logCreator: shortLogCreator(options.log ?? ((line) => console.error(line))),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  if (connection.mode === 'local') return base;
  const oauthBearerProvider =
    options.tokenProvider ??
    createMskIamTokenProvider({
      region: connection.region,
      ...(options.signer ? { signer: options.signer } : {}),
    });
  return { ...base, ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider } };
};

/** Every client built here reads and writes all Kafka codecs (kafkajs alone has gzip only). */
export const createKafka = (connection: KafkaConnection, options: CreateKafkaOptions = {}): Kafka => {
  registerKafkaCodecs();
  return new Kafka(kafkaConfig(connection, options));
};
