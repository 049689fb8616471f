/**
 * The Lambdas the local runtime runs, as deployed: the handler each bundles, its memory and timeout, and the
 * environment variables the CDK constructs set (same names; test/infra/local-functions.test.ts holds them equal),
 * with local values.
 */

import { ENV } from '#core/contract/index.ts';
import { DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE } from '#core/new-device-cap.ts';
import { DEFAULT_DIGEST_THRESHOLD } from '#lambda/notifier/digest.ts';
import { LAMBDA_NODE_OPTIONS } from '#lib/lambda-bundling.ts';
import { type TableNames, tableEnv } from './tables.ts';

export type LocalFunctionName = 'state-processor' | 'notifier' | 'lookup-api';

export interface LocalFunction {
  /** The handler module, relative to the project root (the NodejsFunction entry). */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutMs: number;
}

/** Memory and timeout as the default config deploys them (test/infra/local-functions.test.ts compares). */
export const LOCAL_FUNCTIONS: ReadonlyMap<LocalFunctionName, LocalFunction> = new Map([
  ['state-processor', { entry: 'lambda/state-processor/handler.ts', memoryMb: 1024, timeoutMs: 120_000 }],
  ['notifier', { entry: 'lambda/notifier/handler.ts', memoryMb: 256, timeoutMs: 30_000 }],
  ['lookup-api', { entry: 'lambda/lookup-api/handler.ts', memoryMb: 1024, timeoutMs: 30_000 }],
]);

/** Local names of the resources the functions are bound to. */
export interface LocalResources {
  readonly tables: TableNames;
  readonly deadLetterStream: string;
  readonly alertTopicArn: string;
  readonly windowRetentionDays: number;
  /** The new-device cap the processor's construct binds. @default DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE */
  readonly newDevicesPerPartitionMinute?: number;
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** What each function's CDK construct binds (bindTable, bindDeliveryStream, bindTopic, bindSetting), locally. */
export const functionSettings = (
  name: LocalFunctionName,
  resources: LocalResources,
): Record<string, string> => {
  const tables = tableEnv(resources.tables);
  const common = { NODE_OPTIONS: LAMBDA_NODE_OPTIONS };
  switch (name) {
    case 'state-processor': {
      // Every table but the operator's (acks and mutes are the lookup API's alone).
      const { [ENV.operatorTable]: _operator, ...processorTables } = tables;
      return {
        ...common,
        ...processorTables,
        [ENV.deadLetterStream]: resources.deadLetterStream,
        [ENV.windowRetentionDays]: String(resources.windowRetentionDays),
        [ENV.newDevicesPerPartitionMinute]: String(
          resources.newDevicesPerPartitionMinute ?? DEFAULT_NEW_DEVICES_PER_PARTITION_MINUTE,
        ),
      };
    }
    case 'notifier':
      return {
        ...common,
        ALERT_TOPIC_ARN: resources.alertTopicArn,
        [ENV.operatorTable]: resources.tables.operator,
        [ENV.digestThreshold]: String(DEFAULT_DIGEST_THRESHOLD),
      };
    case 'lookup-api':
      return { ...common, ...tables };
  }
};

/** Local service endpoints, given to every function through the SDK's standard per-service endpoint variables. */
export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly firehose: string;
  readonly sns: string;
}

/**
 * The full environment of a local function: what Lambda itself sets (region, function name, memory, credentials
 * — dummy ones here), the SDK endpoint overrides, then the function's own settings.
 */
export const functionEnvironment = (
  name: LocalFunctionName,
  settings: Record<string, string>,
  endpoints: LocalEndpoints,
): Record<string, string> => {
  const fn = LOCAL_FUNCTIONS.get(name);
  if (fn === undefined) throw new Error(`unknown local function ${name}`);
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: `fleetstream-local-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    TZ: 'UTC',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_FIREHOSE: endpoints.firehose,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    // Node 20 here, 24 in Lambda: the SDK's notice about dropping Node 20 is noise locally.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...settings,
  };
};
