import { SNSClient } from '@aws-sdk/client-sns';
import { requireEnv } from '#adapters/env.ts';
import { countMetrics, functionLog, functionMetrics } from '#adapters/observability.ts';
import { ENV } from '#core/contract/index.ts';
import { createNotifier } from './notifier.ts';

// One client per container; a missing topic fails the cold start, not the first alert.
const sns = new SNSClient({});
const metrics = functionMetrics('notifier');

export const handler = createNotifier({
  sns,
  topicArn: requireEnv(ENV.alertTopicArn),
  log: functionLog('notifier'),
  metrics: countMetrics(metrics),
});
