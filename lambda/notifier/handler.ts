import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { numberEnv, requireEnv } from '#adapters/env.ts';
import { createMutesCache } from '#adapters/mutes-cache.ts';
import { countMetrics, functionLogger, functionMetrics } from '#adapters/observability.ts';
import { ENV } from '#core/contract/index.ts';
import { DEFAULT_DIGEST_THRESHOLD } from './digest.ts';
import { createNotifier } from './notifier.ts';

// One client per container; a missing topic fails the cold start, not the first alert.
const sns = new SNSClient({});
const logger = functionLogger('notifier');
const metrics = functionMetrics('notifier');

export const handler = createNotifier({
  sns,
  topicArn: requireEnv(ENV.alertTopicArn),
  log: (level, message, details) => logger[level](message, details),
  metrics: countMetrics(metrics),
  mutes: createMutesCache(createDocumentClient(), requireEnv(ENV.operatorTable)),
  digestThreshold: numberEnv(ENV.digestThreshold, DEFAULT_DIGEST_THRESHOLD),
});
