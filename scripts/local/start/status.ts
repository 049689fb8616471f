import type { Admin } from 'kafkajs';
import { groupPositions } from '../group-positions.ts';
import { formatStatus } from '../status-line.ts';
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

/** The live status line, once a second until stopped. */
export const startStatusLine = async (context: StartContext): Promise<void> => {
  const admin = context.get('admin');
  const sns = context.get('sns');
  const firehose = context.get('firehose');
  const apiUrl = context.get('api').url;
  const statusTimer = setInterval(async () => {
    try {
      const progress = await topicProgress(admin);
      const { problem, generatorRate } = context;
      context.terminal.status(
        formatStatus({
          ...progress,
          alerts: sns.published,
          invalid: firehose.records,
          generatorRate,
          apiUrl,
          ...(problem === undefined ? {} : { problem }),
        }),
      );
    } catch {
      // The broker is busy or going away; the next tick will tell.
    }
  }, 1000);
  await context.running.add('status line', async () => clearInterval(statusTimer));
};
