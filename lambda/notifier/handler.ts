import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { numberEnv, requireEnv } from '#adapters/env.ts';
import { createMutesCache } from '#adapters/mutes-cache.ts';
import { countMetrics, functionLog, functionMetrics } from '#adapters/observability.ts';
import { createSnsClient } from '#adapters/sns-client.ts';
import { ENV } from '#core/contract/index.ts';
import { DEFAULT_DIGEST_THRESHOLD } from './digest.ts';
import { createNotifier } from './notifier.ts';

// One client per container; a missing topic fails the cold start, not the first alert.
const sns = createSnsClient();
const metrics = functionMetrics('notifier');

export const handler = createNotifier({
  sns,
  topicArn: requireEnv(ENV.alertTopicArn),
  log: functionLog('notifier'),
  metrics: countMetrics(metrics),
  mutes: createMutesCache(createDocumentClient(), requireEnv(ENV.operatorTable)),
  digestThreshold: numberEnv(ENV.digestThreshold, DEFAULT_DIGEST_THRESHOLD),
});
