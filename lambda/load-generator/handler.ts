import type { Context } from 'aws-lambda';
import { requireEnv } from '#adapters/env.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { functionLogger } from '#adapters/observability.ts';
import { ENV } from '#core/contract/index.ts';
import { type GeneratorSummary, runGenerator } from '#lambda/generator/run.ts';
import { parseLoadLimits, parseLoadRequest } from './request.ts';

// In-VPC generator for `npm run generate -- --remote`: MSK Serverless is reachable only from inside the VPC.
const topic = requireEnv(ENV.topicName);
const logger = functionLogger('load-generator');
const limits = parseLoadLimits(process.env[ENV.loadGeneratorLimits]);
const kafka = createKafka(
  { mode: 'iam', brokers: requireEnv(ENV.bootstrapBrokers), region: requireEnv('AWS_REGION') },
  { clientId: 'fleetstream-load-generator' },
);

// Stop producing this long before the Lambda timeout so in-flight sends finish and the summary is returned.
const FLUSH_MARGIN_MS = 20_000;

export const handler = async (
  event: unknown,
  context: Context,
): Promise<GeneratorSummary & { topic: string }> => {
  const stop = new AbortController();
  const options = parseLoadRequest(event, topic, stop.signal, limits);
  const timer = setTimeout(
    () => stop.abort(),
    Math.max(0, context.getRemainingTimeInMillis() - FLUSH_MARGIN_MS),
  );
  try {
    const summary = await runGenerator(kafka, options);
    logger.info('load generated', { topic, ...summary });
    return { topic, ...summary };
  } finally {
    clearTimeout(timer);
  }
};
