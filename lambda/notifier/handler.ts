import { requireEnv } from '#adapters/env.ts';
import { countMetrics, functionLog, functionMetrics } from '#adapters/observability.ts';
import { createSnsClient } from '#adapters/sns-client.ts';
import { ENV } from '#core/contract/index.ts';
import { createNotifier } from './notifier.ts';

// One client per container; a missing topic fails the cold start, not the first alert.
const sns = createSnsClient();
const metrics = functionMetrics('notifier');

export const handler = createNotifier({
  sns,
  topicArn: requireEnv(ENV.alertTopicArn),
  log: functionLog('notifier'),
  metrics: countMetrics(metrics),
});
