import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { requireEnv } from '#adapters/env.ts';
import { createNotifier } from './notifier.ts';

// One client per container; a missing topic fails the cold start, not the first alert.
const sns = new SNSClient({});
const metrics = new Metrics({ namespace: 'FleetStream', serviceName: 'notifier' });

export const handler = createNotifier({
  sns,
  topicArn: requireEnv('ALERT_TOPIC_ARN'),
  metrics: {
    add: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
    flush: () => metrics.publishStoredMetrics(),
  },
});
