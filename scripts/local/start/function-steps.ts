import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, DynamoDBBatchResponse } from 'aws-lambda';
import { CALLER_LIMITS } from '#core/contract/guardrails.ts';
import { LAKE_PREFIX, lakeFolder } from '#core/contract/index.ts';
import { createConsoleHandler } from '#scripts/console/serve.ts';
import { startAlertsStream } from '#scripts/local/alerts-stream.ts';
import { buildLocalBundles } from '#scripts/local/bundles.ts';
import { formatStall } from '#scripts/local/consumer-stall.ts';
import { startEventSourcePoller } from '#scripts/local/event-source-poller.ts';
import {
  functionEnvironment,
  functionSettings,
  LOCAL_FUNCTIONS,
  type LocalFunctionName,
  type LocalResources,
} from '#scripts/local/functions.ts';
import { startLocalIngest, withIngestRoute } from '#scripts/local/ingest-route.ts';
import { startLakeCompaction } from '#scripts/local/lake-compaction.ts';
import { type LambdaHost, startLambdaHost } from '#scripts/local/lambda-host.ts';
import { startRawArchive } from '#scripts/local/raw-archive.ts';
import { startFirehoseStandIn } from '#scripts/local/stand-ins/firehose.ts';
import { startSnsStandIn } from '#scripts/local/stand-ins/sns.ts';
import { startApiServer } from '#scripts/shared/api-gateway-http.ts';
import { createCallerLimiter } from '#scripts/shared/caller-limits.ts';
import { errorMessage } from '#scripts/shared/cli.ts';
import type { StartContext } from './context.ts';
import {
  ALERT_TOPIC_ARN,
  ARCHIVE_GROUP,
  DEAD_LETTER_STREAM,
  PROCESSOR_GROUP,
  PROJECT_ROOT,
  TOPIC,
} from './names.ts';
import { topicProgress } from './status.ts';

export const datalakeDir = (context: StartContext): string => join(context.config.stateDir, 'datalake');

export const startArchive = async (context: StartContext): Promise<void> => {
  const archive = await startRawArchive({
    brokers: context.get('services').brokers,
    topic: TOPIC,
    groupId: ARCHIVE_GROUP,
    dir: datalakeDir(context),
    flushIntervalMs: context.config.archiveFlushMs,
    onError: (error) => (context.problem = `raw archive: ${errorMessage(error)}`),
    onStall: (stall) => {
      context.problem = `raw archive: ${formatStall(stall)}`;
      context.log(context.problem);
    },
  });
  await context.running.add('raw archive', () => archive.stop());
};

/** The Lambdas run from the bundles that deploy, with their deployed environment pointed at local endpoints. */
export const bundleLambdas = async (context: StartContext): Promise<void> => {
  context.log('bundling the Lambdas (the deploy bundles) …');
  const bundles = await buildLocalBundles(PROJECT_ROOT);
  await context.running.add('Lambda bundles', () => bundles.remove());
  context.set('bundles', bundles);
};

/** The Firehose (dead letters) and SNS (alerts) the functions call, on loopback. */
export const startStandIns = async (context: StartContext): Promise<void> => {
  const firehose = await startFirehoseStandIn({
    datalakeDir: datalakeDir(context),
    streams: new Map([[DEAD_LETTER_STREAM, lakeFolder(LAKE_PREFIX.deadLetter)]]),
  });
  await context.running.add('Firehose stand-in', () => firehose.stop());
  context.set('firehose', firehose);
  const sns = await startSnsStandIn({
    topicArn: ALERT_TOPIC_ARN,
    file: join(context.config.stateDir, 'alerts.jsonl'),
    print: context.log,
  });
  await context.running.add('SNS stand-in', () => sns.stop());
  context.set('sns', sns);
};

const startFunction = async (
  context: StartContext,
  name: LocalFunctionName,
  overrides: Record<string, string> = {},
): Promise<LambdaHost> => {
  const fn = LOCAL_FUNCTIONS.get(name);
  const bundle = context.get('bundles').paths.get(name);
  if (fn === undefined || bundle === undefined) throw new Error(`no bundle for ${name}`);
  const resources: LocalResources = {
    tables: context.get('tables'),
    deadLetterStream: DEAD_LETTER_STREAM,
    alertTopicArn: ALERT_TOPIC_ARN,
    windowRetentionDays: context.config.batching.windowRetentionDays,
  };
  const endpoints = {
    dynamodb: context.get('services').dynamodbEndpoint,
    firehose: context.get('firehose').url,
    sns: context.get('sns').url,
  };
  const host = await startLambdaHost({
    name,
    bundle,
    environment: functionEnvironment(name, { ...functionSettings(name, resources), ...overrides }, endpoints),
    timeoutMs: fn.timeoutMs,
    logFile: join(context.config.stateDir, 'logs', `${name}.log`),
  });
  await context.running.add(`${name} function`, () => host.stop());
  return host;
};

/** The state processor, fed by the stand-in for the MSK event source mapping. */
export const startStateProcessor = async (context: StartContext): Promise<void> => {
  // How soon a changed rule reaches the processor is a setting of the function (RULES_CACHE_SECONDS).
  const stateProcessor = await startFunction(context, 'state-processor', {
    RULES_CACHE_SECONDS: String(context.config.rulesCacheSeconds),
  });
  const poller = await startEventSourcePoller({
    brokers: context.get('services').brokers,
    topic: TOPIC,
    groupId: PROCESSOR_GROUP,
    handler: async (event) => {
      await stateProcessor.invoke(event);
    },
    batchSize: context.config.batching.batchSize,
    maxBatchingWindowMs: context.config.batching.maxBatchingWindowMs,
    onError: (error, info) =>
      (context.problem = `batch of ${info.records} failed (attempt ${info.attempt}): ${errorMessage(error)}`),
    onBatch: () => (context.problem = undefined),
    onStall: (stall) => {
      context.problem = `state processor: ${formatStall(stall)}`;
      context.log(context.problem);
    },
  });
  await context.running.add('state processor', () => poller.stop());
};

/** The alert notifier, fed by the stand-in for the alerts table's stream. */
export const startNotifier = async (context: StartContext): Promise<void> => {
  const notifier = await startFunction(context, 'notifier');
  const alerts = await startAlertsStream({
    dynamodbEndpoint: context.get('services').dynamodbEndpoint,
    table: context.get('tables').alerts,
    positionFile: join(context.config.stateDir, 'alerts-stream.json'),
    handler: (event) => notifier.invoke<DynamoDBBatchResponse>(event),
    maxBatchingWindowMs: context.config.batching.alertGroupWindowMs,
    onError: (error) => (context.problem = `alerts stream: ${error.message}`),
  });
  await context.running.add('alerts stream', () => alerts.stop());
};

/** POST /ingest (issue 24): the ingest app into the local Kafka, routed beside the lookup API. */
const startIngest = async (context: StartContext) => {
  const { brokers, dynamodbEndpoint } = context.get('services');
  const ingest = await startLocalIngest({ brokers, topic: TOPIC, dynamodbEndpoint });
  await context.running.add('ingest', () => ingest.stop());
  return ingest;
};

/** The lookup API and POST /ingest behind API Gateway's stand-in, with the console in front of them. */
export const startApi = async (context: StartContext): Promise<void> => {
  const { apiPort } = context.config;
  const lookupApi = await startFunction(context, 'lookup-api');
  const admin = context.get('admin');
  const ingest = await startIngest(context);
  const lookup = (event: APIGatewayProxyEvent) => lookupApi.invoke<APIGatewayProxyResult>(event);
  const api = await startApiServer(withIngestRoute(ingest.handler, lookup), {
    port: apiPort,
    // The per-caller limits WAF applies in AWS (guardrails.callerLimits defaults).
    callerLimits: createCallerLimiter(CALLER_LIMITS),
    beforeApi: createConsoleHandler({
      config: { target: 'local', apiLabel: `http://127.0.0.1:${apiPort}` },
      progress: () =>
        topicProgress(admin).then((p) =>
          context.behind === undefined ? p : { ...p, behind: context.behind },
        ),
    }),
  });
  await context.running.add('API', () => api.close());
  context.set('api', api);
};

/** The curated Parquet table (issue 23): each closed hour compacted on its own schedule (lake-compaction.ts). */
export const startCompaction = async (context: StartContext): Promise<void> => {
  const compaction = startLakeCompaction({ datalakeDir: datalakeDir(context), log: context.log });
  await context.running.add('lake compaction', () => compaction.stop());
};
