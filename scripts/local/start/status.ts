import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Admin } from 'kafkajs';
import { measureDynamoDbWriteRate } from '#scripts/local/dynamodb-write-rate.ts';
import { groupPositions } from '#scripts/local/group-positions.ts';
import { formatStatus } from '#scripts/local/status-line.ts';
import { behindNote, ProgressWindow } from '#scripts/local/throughput.ts';
import type { StartContext } from './context.ts';
import { PROCESSOR_GROUP, TOPIC } from './names.ts';

/** Records in the topic and records the processor has committed (what the console and the status line show). */
export const topicProgress = async (admin: Admin) => {
  const [high, committed] = await Promise.all([
    admin.fetchTopicOffsets(TOPIC),
    admin.fetchOffsets({ groupId: PROCESSOR_GROUP, topics: [TOPIC] }),
  ]);
  const positions = groupPositions(high, committed[0]?.partitions ?? []);
  return {
    recordsIn: positions.reduce((sum, p) => sum + p.end, 0),
    processed: positions.reduce((sum, p) => sum + p.offset, 0),
  };
};

/** Measures DynamoDB Local's write rate in the background (a second or two), for the banner and the status line. */
export const measureWriteRate = async (context: StartContext): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint: context.get('services').dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  void measureDynamoDbWriteRate(client)
    .then(
      (rate) => {
        context.ddbWritesPerSec = rate;
        const shown = Math.round(rate).toLocaleString('en-US');
        context.log(
          `DynamoDB Local takes ≈ ${shown} item writes/s here: the usual ceiling of the local runtime`,
        );
      },
      () => {},
    )
    .finally(() => client.destroy());
};

/** The live status line, once a second until stopped. */
export const startStatusLine = async (context: StartContext): Promise<void> => {
  const admin = context.get('admin');
  const window = new ProgressWindow();
  const { batchSize } = context.config.batching;
  const sns = context.get('sns');
  const firehose = context.get('firehose');
  const apiUrl = context.get('api').url;
  const statusTimer = setInterval(async () => {
    try {
      const progress = await topicProgress(admin);
      window.add({ at: performance.now(), ...progress });
      context.behind = behindNote(window.rates(), { batchSize, ddbWritesPerSec: context.ddbWritesPerSec });
      const { problem, generatorRate, behind } = context;
      context.terminal.status(
        formatStatus({
          ...progress,
          alerts: sns.published,
          invalid: firehose.records,
          generatorRate,
          apiUrl,
          ...(behind === undefined ? {} : { behind }),
          ...(problem === undefined ? {} : { problem }),
        }),
      );
    } catch {
      // The broker is busy or going away; the next tick will tell.
    }
  }, 1000);
  await context.running.add('status line', async () => clearInterval(statusTimer));
};
