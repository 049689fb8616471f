import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { ensureTopic } from '#adapters/kafka-topic.ts';
import { errorMessage } from '#scripts/lib/cli.ts';
import { seedRegistry, seedRules } from '#scripts/local/seed.ts';
import { REPO_LOCAL_DIR, startLocalServices } from '#scripts/local/services/index.ts';
import { isPortOpen } from '#scripts/local/services/ports.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import type { StartContext } from './context.ts';
import { TOPIC } from './names.ts';

// What --reset removes from the state folder: only what this runtime writes there (never .local/cache, the jars).
const STATE_ENTRIES = [
  'kafka',
  'dynamodb',
  'datalake',
  'alerts.jsonl',
  'alerts-stream.json',
  'rules-seeded',
  'logs',
];

export const checkPortsFree = async ({ config }: StartContext): Promise<void> => {
  for (const [name, port] of [
    ['Kafka', config.kafkaPort],
    ['DynamoDB Local', config.dynamodbPort],
    ['the API', config.apiPort],
  ] as const) {
    if (await isPortOpen(port)) {
      throw new Error(
        `port ${port} for ${name} is in use (another npm start?); choose another with a flag or env`,
      );
    }
  }
};

export const prepareStateDir = async ({ config, log }: StartContext): Promise<void> => {
  if (config.reset) {
    for (const entry of STATE_ENTRIES)
      await rm(join(config.stateDir, entry), { recursive: true, force: true });
    log(`reset: wiped ${config.stateDir} (kept the jar cache)`);
  }
  await mkdir(config.stateDir, { recursive: true });
};

export const startServices = async (context: StartContext): Promise<void> => {
  const { config, log } = context;
  log(`starting Kafka and DynamoDB Local (state in ${context.shown(config.stateDir)}) …`);
  const services = await startLocalServices({
    stateDir: config.stateDir,
    kafkaPort: config.kafkaPort,
    dynamodbPort: config.dynamodbPort,
    log,
  });
  await context.running.add('Kafka and DynamoDB Local', services.stop);
  context.set('services', services);
};

export const createTopic = async (context: StartContext): Promise<void> => {
  const kafka = createKafka(
    { mode: 'local', brokers: context.get('services').brokers },
    { clientId: 'fleetstream-local' },
  );
  const admin = kafka.admin();
  await admin.connect();
  await context.running.add('Kafka admin', () => admin.disconnect());
  context.set('kafka', kafka);
  context.set('admin', admin);
  const topic = await ensureTopic(admin, { topic: TOPIC, partitions: context.config.batching.partitions });
  context.log(`topic ${TOPIC}: ${topic.action} (${topic.partitions} partitions)`);
};

export const createLocalTables = async (context: StartContext): Promise<void> => {
  const endpoint = context.get('services').dynamodbEndpoint;
  const tables = localTableNames();
  const rawDynamoDb = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTables(rawDynamoDb, tables);
  rawDynamoDb.destroy();
  context.set('tables', tables);
  context.set('db', createDocumentClient(endpoint));
};

/** The default alert rules once per state folder; the sample registry when the repository has it. */
export const seedTables = async (context: StartContext): Promise<void> => {
  const { config, log } = context;
  const db = context.get('db');
  const tables = context.get('tables');
  const seededMarker = join(config.stateDir, 'rules-seeded');
  if (!existsSync(seededMarker)) {
    const added = await seedRules(db, tables.rules);
    await writeFile(seededMarker, `${new Date().toISOString()}\n`);
    if (added.length > 0) log(`default alert rules: ${added.join(', ')}`);
  }
  const registryCsv = resolve(REPO_LOCAL_DIR, '../test/fixtures/registry.csv');
  if (!existsSync(registryCsv)) return;
  // A sample, not a dependency: a bad file is reported and the runtime starts without it.
  await seedRegistry(db, tables.registry, registryCsv).then(
    (rows) => log(`registry: ${rows} devices from ${context.shown(registryCsv)}`),
    (error: unknown) =>
      log(`registry: not loaded from ${context.shown(registryCsv)}: ${errorMessage(error)}`),
  );
};
