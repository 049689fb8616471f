import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { testKafka } from '#test/support/kafka.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

const run = promisify(execFile);

const createTopicCli = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/create-topic.ts', ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

const partitionsOf = async (topic: string): Promise<number> => {
  const admin = testKafka(inject('brokers')).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
};

describe('npm run topic:create', () => {
  it('is idempotent: creates, then finds it; grows partitions but never shrinks', async () => {
    const topic = uniquePrefix('topic-cli');
    const base = ['--local', '--brokers', inject('brokers'), '--topic', topic];

    const first = await createTopicCli([...base, '--partitions', '4', '--config', 'retention.ms=3600000']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(`created topic ${topic} with 4 partitions`);
    expect(await partitionsOf(topic)).toBe(4);

    const second = await createTopicCli([...base, '--partitions', '4']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/exists with 4 partitions: nothing to do/);

    const grown = await createTopicCli([...base, '--partitions', '6']);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(/raised partitions from 4 to 6/);
    const shrink = await createTopicCli([...base, '--partitions', '2']);
    expect(shrink.code).toBe(0);
    expect(await partitionsOf(topic)).toBe(6);

    const admin = testKafka(inject('brokers')).admin();
    await admin.connect();
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
    });
    await admin.disconnect();
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('3600000');
  });

  it('rejects bad flags with the usage line and exit 2', async () => {
    for (const args of [
      ['--local', '--bogus'],
      ['--local', '--partitions', '0'],
      ['--local', '--config', 'novalue'],
    ]) {
      const result = await createTopicCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/usage: npm run topic:create/);
    }
  });
});
