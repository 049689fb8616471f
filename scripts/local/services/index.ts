import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDb } from './dynamodb.ts';
import { startKafka } from './kafka.ts';
import { ensureJars } from './maven.ts';
import { freePort } from './ports.ts';
import type { ServiceProcess } from './process.ts';

export { freePort } from './ports.ts';

/** `.local/` at the repository root: the default state folder; `.local/cache` holds the Maven-resolved jars. */
export const REPO_LOCAL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../.local');

export interface LocalServicesOptions {
  /** Where Kafka's log and DynamoDB Local's data file live (persisted across restarts). */
  readonly stateDir: string;
  /** Where the Maven-resolved jars are cached. @default <repo>/.local/cache */
  readonly cacheDir?: string;
  /** @default a free port */
  readonly kafkaPort?: number;
  /** @default a free port */
  readonly dynamodbPort?: number;
  readonly log?: (line: string) => void;
}

export interface LocalServices {
  /** `127.0.0.1:<port>`, plaintext. */
  readonly brokers: string;
  /** `http://127.0.0.1:<port>` */
  readonly dynamodbEndpoint: string;
  stop(): Promise<void>;
}

/** Real Apache Kafka (KRaft) and DynamoDB Local, from Maven Central jars, on loopback. */
export const startLocalServices = async (options: LocalServicesOptions): Promise<LocalServices> => {
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? join(REPO_LOCAL_DIR, 'cache');
  const [kafkaLib, dynamodbLib] = [
    await ensureJars('kafka', cacheDir, log),
    await ensureJars('dynamodb', cacheDir, log),
  ];
  const kafkaDir = join(options.stateDir, 'kafka');
  const dynamodbDir = join(options.stateDir, 'dynamodb');
  await Promise.all([mkdir(kafkaDir, { recursive: true }), mkdir(dynamodbDir, { recursive: true })]);

  const kafkaPort = options.kafkaPort ?? (await freePort());
  const dynamodbPort = options.dynamodbPort ?? (await freePort());
  const controllerPort = await freePort();

  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  };
  try {
    const [kafka, dynamodb] = await Promise.allSettled([
      startKafka({ dir: kafkaDir, libDir: kafkaLib, port: kafkaPort, controllerPort }),
      startDynamoDb({ dir: dynamodbDir, libDir: dynamodbLib, port: dynamodbPort }),
    ]);
    for (const result of [kafka, dynamodb]) if (result.status === 'fulfilled') started.push(result.value);
    for (const result of [kafka, dynamodb]) if (result.status === 'rejected') throw result.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Kafka on 127.0.0.1:${kafkaPort}, DynamoDB Local on 127.0.0.1:${dynamodbPort}`);
  return { brokers: `127.0.0.1:${kafkaPort}`, dynamodbEndpoint: `http://127.0.0.1:${dynamodbPort}`, stop };
};
