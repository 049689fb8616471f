import type { Context } from 'aws-lambda';
import { requireEnv } from '#adapters/env.ts';
import { createKafka } from '#adapters/kafka-client.ts';
import { type GeneratorSummary, runGenerator } from '#scripts/generator/run.ts';
import { parseLoadRequest } from './request.ts';

// In-VPC generator for `npm run generate -- --remote`: MSK Serverless is reachable only from inside the VPC.
const topic = requireEnv('TOPIC_NAME');
const kafka = createKafka(
  { mode: 'iam', brokers: requireEnv('BOOTSTRAP_BROKERS'), region: requireEnv('AWS_REGION') },
  { clientId: 'fleetstream-load-generator' },
);

// Stop producing this long before the Lambda timeout so in-flight sends finish and the summary is returned.
const FLUSH_MARGIN_MS = 20_000;

export const handler = async (
  event: unknown,
  context: Context,
): Promise<GeneratorSummary & { topic: string }> => {
  const stop = new AbortController();
  const options = parseLoadRequest(event, topic, stop.signal);
  const timer = setTimeout(
    () => stop.abort(),
    Math.max(0, context.getRemainingTimeInMillis() - FLUSH_MARGIN_MS),
  );
  try {
    const summary = await runGenerator(kafka, options);
    console.log(JSON.stringify({ message: 'load generated', topic, ...summary }));
    return { topic, ...summary };
  } finally {
    clearTimeout(timer);
  }
};
