import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, DynamoDBBatchResponse } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { startApiServer } from '#adapters/api-gateway-http.ts';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_TOPIC, ENV, LAKE_PREFIX, lakeFolder } from '#core/contract/index.ts';
import { runGenerator } from '#lambda/generator/run.ts';
import { createConsoleHandler } from '#scripts/console/serve.ts';
import { ensureTopic } from '#scripts/create-topic.ts';
import { errorMessage, numberFlag, runCli } from '#scripts/lib/cli.ts';
import { startAlertsStream } from './alerts-stream.ts';
import { buildLocalBundles } from './bundles.ts';
import { formatStall } from './consumer-stall.ts';
import { startEventSourcePoller } from './event-source-poller.ts';
import {
  functionEnvironment,
  functionSettings,
  LOCAL_ACCOUNT,
  LOCAL_FUNCTIONS,
  LOCAL_REGION,
  type LocalEndpoints,
  type LocalFunctionName,
  type LocalResources,
} from './functions.ts';
import { groupPositions } from './group-positions.ts';
import { startLakeCompaction } from './lake-compaction.ts';
import { type LambdaHost, startLambdaHost } from './lambda-host.ts';
import { startRawArchive } from './raw-archive.ts';
import { seedRegistry, seedRules } from './seed.ts';
import { REPO_LOCAL_DIR, startLocalServices } from './services/index.ts';
import { isPortOpen } from './services/ports.ts';
import { startFirehoseStandIn } from './stand-ins/firehose.ts';
import { startSnsStandIn } from './stand-ins/sns.ts';
import { formatStatus } from './status-line.ts';
import { createTables, localTableNames } from './tables.ts';

const TOPIC = DEFAULT_TOPIC;
const PARTITIONS = 6;
const PROCESSOR_GROUP = DEFAULT_CONSUMER_GROUP;
const ARCHIVE_GROUP = 'fleetstream-raw-archive';
const DEAD_LETTER_STREAM = 'fleetstream-dead-letter';
const ALERT_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:fleetstream-alerts`;
const PROJECT_ROOT = resolve(REPO_LOCAL_DIR, '..');
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

const spec = {
  usage:
    'usage: npm start -- [--no-generator] [--reset] [--kafka-port P] [--dynamodb-port P] [--api-port P] [--state-dir DIR] [--devices N] [--rate R]',
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
  },
} as const;

interface StartConfig {
  readonly generator: boolean;
  readonly reset: boolean;
  readonly kafkaPort: number;
  readonly dynamodbPort: number;
  readonly apiPort: number;
  readonly stateDir: string;
  readonly devices: number;
  readonly rate: number;
  /** How soon a changed rule reaches the processor. */
  readonly rulesCacheSeconds: number;
  /** Raw archive buffering interval (Firehose's is 60 s; shorter is friendlier locally). */
  readonly archiveFlushMs: number;
}

const PORT = { min: 1, max: 65535, integer: true };

/** Flags win over environment variables, which win over defaults. */
const configFrom = (values: Record<string, string | boolean | undefined>): StartConfig => {
  const pick = (flag: string, env: string, fallback: string): [string, string] => {
    const raw = values[flag];
    if (typeof raw === 'string') return [flag, raw];
    const fromEnv = process.env[env];
    return fromEnv !== undefined && fromEnv !== '' ? [`${flag} (from ${env})`, fromEnv] : [flag, fallback];
  };
  const num = (flag: string, env: string, fallback: number, limits: Parameters<typeof numberFlag>[2]) =>
    numberFlag(...pick(flag, env, String(fallback)), limits);
  return {
    generator: values['no-generator'] !== true,
    reset: values.reset === true,
    kafkaPort: num('kafka-port', 'FLEETSTREAM_KAFKA_PORT', 9092, PORT),
    dynamodbPort: num('dynamodb-port', 'FLEETSTREAM_DYNAMODB_PORT', 8000, PORT),
    apiPort: num('api-port', 'FLEETSTREAM_API_PORT', 3000, PORT),
    stateDir: resolve(pick('state-dir', 'FLEETSTREAM_STATE_DIR', REPO_LOCAL_DIR)[1]),
    devices: num('devices', 'FLEETSTREAM_DEVICES', 100, { min: 1, max: 1_000_000, integer: true }),
    rate: num('rate', 'FLEETSTREAM_RATE', 200, { min: 0 }),
    rulesCacheSeconds: num('rules-cache-seconds', ENV.rulesCacheSeconds, 5, { min: 1 }),
    archiveFlushMs: num('archive-flush-ms', 'FLEETSTREAM_ARCHIVE_FLUSH_MS', 10_000, {
      min: 100,
      integer: true,
    }),
  };
};

/** Everything started so far, stopped in reverse order; something started after shutdown began is stopped at once. */
class Running {
  private readonly stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  stopping = false;

  async add(name: string, stop: () => Promise<void>): Promise<void> {
    if (this.stopping) {
      // Ctrl-C came while this was starting: stop it now rather than leave it running.
      await stop().catch(() => {});
      throw new Error(`stopped while starting ${name}`);
    }
    this.stack.push({ name, stop });
  }

  async stopAll(log: (line: string) => void): Promise<void> {
    this.stopping = true;
    for (let item = this.stack.pop(); item !== undefined; item = this.stack.pop()) {
      const timeout = sleep(30_000, 'timeout' as const, { ref: false });
      const outcome = await Promise.race([item.stop().then(() => 'ok' as const), timeout]).catch(
        (error: unknown) => `failed: ${errorMessage(error)}`,
      );
      if (outcome !== 'ok') log(`stopping ${item.name}: ${outcome}`);
    }
  }
}

/** A status line rewritten in place on a terminal; a plain line every 10 s otherwise (logs, CI, tests). */
const createConsole = () => {
  const tty = process.stdout.isTTY === true;
  let status = '';
  let lastPlain = 0;
  const clear = () => {
    if (tty && status !== '') process.stdout.write('\r\x1b[2K');
  };
  return {
    line(text: string) {
      clear();
      process.stdout.write(`${text}\n`);
      if (tty && status !== '') process.stdout.write(status.slice(0, (process.stdout.columns ?? 120) - 1));
    },
    status(text: string) {
      if (tty) {
        status = text;
        process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 120) - 1)}`);
      } else if (Date.now() - lastPlain >= 10_000) {
        lastPlain = Date.now();
        process.stdout.write(`status: ${text}\n`);
      }
    },
    end() {
      clear();
      status = '';
    },
  };
};

const topicProgress = async (admin: Admin) => {
  const [high, committed] = await Promise.all([
    admin.fetchTopicOffsets(TOPIC),
    admin.fetchOffsets({ groupId: PROCESSOR_GROUP, topics: [TOPIC] }),
  ]);
  const positions = groupPositions(high, committed[0]?.partitions ?? []);
  return {
    recordsIn: positions.reduce((sum, p) => sum + p.end, 0),
    processed: positions.reduce((sum, p) => sum + p.offset, 0),
  };
};

const ensurePortsFree = async (config: StartConfig) => {
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

const resetState = async (stateDir: string, log: (line: string) => void) => {
  for (const entry of STATE_ENTRIES) await rm(join(stateDir, entry), { recursive: true, force: true });
  log(`reset: wiped ${stateDir} (kept the jar cache)`);
};

const start = async (config: StartConfig, running: Running, out: ReturnType<typeof createConsole>) => {
  const log = (line: string) => out.line(line);
  // The latest problem worth showing on the status line; cleared by the next successful batch.
  let problem: string | undefined;
  await ensurePortsFree(config);
  if (config.reset) await resetState(config.stateDir, log);
  await mkdir(config.stateDir, { recursive: true });
  const datalakeDir = join(config.stateDir, 'datalake');
  const shown = (path: string) => relative(process.cwd(), path) || '.';

  log(`starting Kafka and DynamoDB Local (state in ${shown(config.stateDir)}) …`);
  const services = await startLocalServices({
    stateDir: config.stateDir,
    kafkaPort: config.kafkaPort,
    dynamodbPort: config.dynamodbPort,
    log,
  });
  await running.add('Kafka and DynamoDB Local', services.stop);

  const kafka = createKafka({ mode: 'local', brokers: services.brokers }, { clientId: 'fleetstream-local' });
  const admin = kafka.admin();
  await admin.connect();
  await running.add('Kafka admin', () => admin.disconnect());
  const topic = await ensureTopic(admin, { topic: TOPIC, partitions: PARTITIONS });
  log(`topic ${TOPIC}: ${topic.action} (${topic.partitions} partitions)`);

  const tables = localTableNames();
  const rawDynamoDb = new DynamoDBClient({
    endpoint: services.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTables(rawDynamoDb, tables);
  rawDynamoDb.destroy();
  const db = createDocumentClient(services.dynamodbEndpoint);
  const seededMarker = join(config.stateDir, 'rules-seeded');
  if (!existsSync(seededMarker)) {
    const added = await seedRules(db, tables.rules);
    await writeFile(seededMarker, `${new Date().toISOString()}\n`);
    if (added.length > 0) log(`default alert rules: ${added.join(', ')}`);
  }
  const registryCsv = resolve(REPO_LOCAL_DIR, '../test/fixtures/registry.csv');
  if (existsSync(registryCsv)) {
    // A sample, not a dependency: a bad file is reported and the runtime starts without it.
    await seedRegistry(db, tables.registry, registryCsv).then(
      (rows) => log(`registry: ${rows} devices from ${shown(registryCsv)}`),
      (error: unknown) => log(`registry: not loaded from ${shown(registryCsv)}: ${errorMessage(error)}`),
    );
  }

  const archive = await startRawArchive({
    brokers: services.brokers,
    topic: TOPIC,
    groupId: ARCHIVE_GROUP,
    dir: datalakeDir,
    flushIntervalMs: config.archiveFlushMs,
    onError: (error) => (problem = `raw archive: ${errorMessage(error)}`),
    onStall: (stall) => {
      problem = `raw archive: ${formatStall(stall)}`;
      log(problem);
    },
  });
  await running.add('raw archive', () => archive.stop());
  const compaction = startLakeCompaction({ datalakeDir, log });
  await running.add('lake compaction', () => compaction.stop());

  // The Lambdas run from the bundles that deploy, with their deployed environment pointed at local endpoints.
  log('bundling the Lambdas (the deploy bundles) …');
  const bundles = await buildLocalBundles(PROJECT_ROOT);
  await running.add('Lambda bundles', () => bundles.remove());
  const firehose = await startFirehoseStandIn({
    datalakeDir,
    streams: new Map([[DEAD_LETTER_STREAM, lakeFolder(LAKE_PREFIX.deadLetter)]]),
  });
  await running.add('Firehose stand-in', () => firehose.stop());
  const sns = await startSnsStandIn({
    topicArn: ALERT_TOPIC_ARN,
    file: join(config.stateDir, 'alerts.jsonl'),
    print: log,
  });
  await running.add('SNS stand-in', () => sns.stop());
  const endpoints: LocalEndpoints = {
    dynamodb: services.dynamodbEndpoint,
    firehose: firehose.url,
    sns: sns.url,
  };
  const resources: LocalResources = {
    tables,
    deadLetterStream: DEAD_LETTER_STREAM,
    alertTopicArn: ALERT_TOPIC_ARN,
    windowRetentionDays: 7,
  };
  const startFunction = async (name: LocalFunctionName, overrides: Record<string, string> = {}) => {
    const fn = LOCAL_FUNCTIONS.get(name);
    const bundle = bundles.paths.get(name);
    if (fn === undefined || bundle === undefined) throw new Error(`no bundle for ${name}`);
    const host: LambdaHost = await startLambdaHost({
      name,
      bundle,
      environment: functionEnvironment(
        name,
        { ...functionSettings(name, resources), ...overrides },
        endpoints,
      ),
      timeoutMs: fn.timeoutMs,
      logFile: join(config.stateDir, 'logs', `${name}.log`),
    });
    await running.add(`${name} function`, () => host.stop());
    return host;
  };

  // How soon a changed rule reaches the processor is a setting of the function (RULES_CACHE_SECONDS).
  const stateProcessor = await startFunction('state-processor', {
    RULES_CACHE_SECONDS: String(config.rulesCacheSeconds),
  });
  const poller = await startEventSourcePoller({
    brokers: services.brokers,
    topic: TOPIC,
    groupId: PROCESSOR_GROUP,
    handler: async (event) => {
      await stateProcessor.invoke(event);
    },
    batchSize: 1000,
    maxBatchingWindowMs: 500,
    onError: (error, info) =>
      (problem = `batch of ${info.records} failed (attempt ${info.attempt}): ${errorMessage(error)}`),
    onBatch: () => (problem = undefined),
    onStall: (stall) => {
      problem = `state processor: ${formatStall(stall)}`;
      log(problem);
    },
  });
  await running.add('state processor', () => poller.stop());

  const notifier = await startFunction('notifier');
  const alerts = await startAlertsStream({
    dynamodbEndpoint: services.dynamodbEndpoint,
    table: tables.alerts,
    positionFile: join(config.stateDir, 'alerts-stream.json'),
    handler: (event) => notifier.invoke<DynamoDBBatchResponse>(event),
    onError: (error) => (problem = `alerts stream: ${error.message}`),
  });
  await running.add('alerts stream', () => alerts.stop());

  const lookupApi = await startFunction('lookup-api');
  const api = await startApiServer((event) => lookupApi.invoke<APIGatewayProxyResult>(event), {
    port: config.apiPort,
    beforeApi: createConsoleHandler({
      config: { target: 'local', apiLabel: `http://127.0.0.1:${config.apiPort}` },
      progress: () => topicProgress(admin),
    }),
  });
  await running.add('API', () => api.close());

  let generatorRate: number | null = null;
  if (config.generator) {
    const abort = new AbortController();
    const generator = runGenerator(
      kafka,
      { topic: TOPIC, devices: config.devices, rate: config.rate, signal: abort.signal, seed: Date.now() },
      (progress) => (generatorRate = progress.recordsPerSec),
    ).catch((error: unknown) => {
      problem = `generator stopped: ${errorMessage(error)}`;
      generatorRate = null;
    });
    generatorRate = 0;
    await running.add('generator', async () => {
      abort.abort();
      await generator;
    });
  }

  // Ready means what a user will do first works: the API answers.
  const health = await fetch(`${api.url}/health`);
  if (!health.ok) throw new Error(`the API did not come up: GET /health answered ${health.status}`);
  const firstDevice = config.generator ? 'dvc0001' : '<deviceId>';
  log(
    [
      '',
      `FleetStream is ready — API ${api.url}   console ${api.url}/`,
      `  devices    ${api.url}/devices?status=down   fleet ${api.url}/fleet   alerts ${api.url}/alerts   rules ${api.url}/rules`,
      `  lookup     npm run lookup -- ${firstDevice}${config.apiPort === 3000 ? '' : ` --url ${api.url}`}`,
      `  Kafka      ${services.brokers}  topic ${TOPIC}${config.generator ? `  (generator: ${config.devices} devices, ${config.rate} records/s)` : '  (no generator: produce your own)'}`,
      `  DynamoDB   ${services.dynamodbEndpoint}  tables ${Object.values(tables).join(', ')}`,
      `  files      ${shown(join(datalakeDir, lakeFolder(LAKE_PREFIX.raw)))}/  ${shown(join(datalakeDir, lakeFolder(LAKE_PREFIX.deadLetter)))}/  ${shown(join(config.stateDir, 'alerts.jsonl'))}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const statusTimer = setInterval(async () => {
    try {
      const progress = await topicProgress(admin);
      out.status(
        formatStatus({
          ...progress,
          alerts: sns.published,
          invalid: firehose.records,
          generatorRate,
          apiUrl: api.url,
          ...(problem === undefined ? {} : { problem }),
        }),
      );
    } catch {
      // The broker is busy or going away; the next tick will tell.
    }
  }, 1000);
  await running.add('status line', async () => clearInterval(statusTimer));
};

await runCli(spec, async ({ values }) => {
  // The SDK's notice about its future Node requirement is noise in a terminal the runtime owns (engines: node >= 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = configFrom(values);
  const out = createConsole();
  const running = new Running();
  let signals = 0;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((done) => {
    resolveStopped = done;
  });
  const shutdown = async (signal: string) => {
    signals++;
    if (signals > 1) {
      out.line(signals > 2 ? 'forcing exit' : 'still stopping … (Ctrl-C again to force)');
      if (signals > 2) process.exit(130);
      return;
    }
    out.end();
    out.line(`${signal}: stopping …`);
    await running.stopAll((line) => out.line(line));
    out.line('stopped.');
    resolveStopped();
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await start(config, running, out);
  } catch (error) {
    if (!running.stopping) {
      out.end();
      await running.stopAll((line) => out.line(line));
      throw error;
    }
  }
  await stopped;
  return 0;
});
