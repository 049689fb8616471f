import { pathToFileURL } from 'node:url';
import { describeTopicResult, ensureTopic, type TopicSpec } from '#adapters/kafka-topic.ts';
import { DEFAULT_TOPIC, PARTITIONS } from '#core/contract/index.ts';
import { type CliArgs, numberFlag, optionalNumberFlag, runCli, UsageError } from './shared/cli.ts';
import {
  describeConnection,
  KAFKA_CONNECTION_USAGE,
  kafkaConnectionFromFlags,
  kafkaConnectionOptions,
  scriptKafka,
} from './shared/kafka-connection.ts';

export { type EnsureTopicResult, ensureTopic, type TopicSpec } from '#adapters/kafka-topic.ts';

const spec = {
  usage: `usage: npm run topic:create -- ${KAFKA_CONNECTION_USAGE} [--topic modem-telemetry] [--partitions 6] [--replication-factor N] [--config k=v ...]`,
  description:
    'Creates the topic if missing, or raises its partition count; never deletes or shrinks. ' +
    '--config applies only when the topic is created.',
  options: {
    ...kafkaConnectionOptions,
    topic: { type: 'string' },
    partitions: { type: 'string' },
    'replication-factor': { type: 'string' },
    config: { type: 'string', multiple: true },
  },
} as const;

const parseConfigs = (entries: readonly string[] = []): Record<string, string> => {
  const configs: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config expects key=value, got "${entry}"`);
    configs[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return configs;
};

const main = async ({ values }: CliArgs<typeof spec.options>): Promise<number> => {
  const connection = kafkaConnectionFromFlags(values);
  const topicSpec: TopicSpec = {
    topic: values.topic ?? DEFAULT_TOPIC,
    partitions: optionalNumberFlag('partitions', values.partitions, 6, {
      integer: true,
      min: PARTITIONS.min,
      max: PARTITIONS.max,
    }),
    ...(values['replication-factor'] !== undefined
      ? {
          replicationFactor: numberFlag('replication-factor', values['replication-factor'], {
            integer: true,
            min: 1,
          }),
        }
      : {}),
    configs: parseConfigs(values.config),
  };
  const admin = scriptKafka(connection).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${describeConnection(connection)}: ${(error as Error).message}`);
  }
  try {
    const result = await ensureTopic(admin, topicSpec);
    console.log(describeTopicResult(result));
    if (result.action !== 'created' && Object.keys(topicSpec.configs ?? {}).length > 0) {
      console.log('note: --config is applied only at creation; the existing topic keeps its configs');
    }
    return 0;
  } finally {
    await admin.disconnect();
  }
};

// Run only as a script: the module also re-exports ensureTopic for reuse.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runCli(spec, main);
