import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTopic } from '#adapters/kafka-topic.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import type { WindowItem } from '#core/items/window.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { freePort, REPO_LOCAL_DIR } from '#scripts/local/services/index.ts';
import { startKafka } from '#scripts/local/services/kafka.ts';
import { ensureJars } from '#scripts/local/services/maven.ts';
import type { ServiceProcess } from '#scripts/local/services/process.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { deadLetters, scanTable } from '#test/support/integration.ts';
import { pollUntilHandled, testKafka } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

// The MSK cluster is replaced (here: this test's own Kafka broker is stopped, its data wiped, and restarted) while the
// DynamoDB tables are kept. Offsets restart at 0 on the new cluster; its records must fold exactly, not be skipped as
// "already folded" by the old cluster's watermarks. Poison records on every partition go to dead-letter each time.

const endpoint = inject('dynamodbEndpoint');
const NOW_MS = Date.parse('2026-11-21T12:00:00Z');
const PARTITIONS = 3;

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

interface Sent {
  partition: number;
  deviceId: string;
  bad: boolean;
  second: number;
}

/** `count` records over the partitions: devices d0…d7 (keyed), every 7th record poison. */
const messages = (count: number, firstSecond: number): Sent[] =>
  Array.from({ length: count }, (_, i) => ({
    partition: i % PARTITIONS,
    deviceId: `d${(i * 5) % 8}`,
    bad: i % 7 === 3,
    second: firstSecond + i,
  }));

const produce = async (brokers: string, topic: string, sent: readonly Sent[]) => {
  // Idempotent: a retried send right after the topic is created must not write a record twice.
  const producer = testKafka(brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic,
    messages: sent.map((m) => ({
      partition: m.partition,
      key: m.deviceId,
      value: m.bad
        ? `{"deviceid":"${m.deviceId}","cpuusage":[[[[`
        : JSON.stringify({
            deviceid: m.deviceId,
            model: 'EVG2000',
            interface: 'eth0',
            interfacestatus: m.second % 5 === 0 ? 'down' : 'up',
            cpuusage: 40,
            memoryusage: 300,
            event_time: new Date(NOW_MS - 3_600_000 + m.second * 1000).toISOString(),
          }),
    })),
  });
  await producer.disconnect();
};

const deadLetterPositions = async (datalakeDir: string): Promise<string[]> =>
  (await deadLetters(datalakeDir))
    .map((l: { partition: number; offset: number }) => `${l.partition}@${l.offset}`)
    .sort();

/** Where Kafka put each message: "<partition>@<offset>" for the poison ones (offsets restart per cluster). */
const poisonPositions = (sent: readonly Sent[]): string[] => {
  const next = new Map<number, number>();
  const out: string[] = [];
  for (const m of sent) {
    const offset = next.get(m.partition) ?? 0;
    next.set(m.partition, offset + 1);
    if (m.bad) out.push(`${m.partition}@${offset}`);
  }
  return out;
};

describe('a replaced Kafka cluster with the DynamoDB tables kept', () => {
  it('starts fresh watermarks for the new incarnation: its records at offsets 0… fold exactly', async () => {
    const names = localTableNames(uniquePrefix('incarnation'));
    await createTables(localDynamoDb(endpoint), names);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-incarnation-'));
    const kafkaDir = await mkdtemp(join(tmpdir(), 'fleetstream-incarnation-kafka-'));
    cleanup.push(() => rm(datalakeDir, { recursive: true, force: true }));
    cleanup.push(() => rm(kafkaDir, { recursive: true, force: true }));
    const libDir = await ensureJars('kafka', join(REPO_LOCAL_DIR, 'cache'), () => {});
    const port = await freePort();
    const controllerPort = await freePort();
    let kafka: ServiceProcess | undefined;
    cleanup.push(async () => kafka?.stop());
    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables: names,
      datalakeDir,
      backoff: { baseMs: 1, maxMs: 20, attempts: 12 },
      clock: () => NOW_MS,
    });
    const topicName = uniquePrefix('telemetry');

    /** Starts the broker, creates the topic, produces, and runs the poller until every record was handled. */
    const phase = async (sent: Sent[]) => {
      kafka = await startKafka({ dir: kafkaDir, libDir, port, controllerPort });
      const brokers = `127.0.0.1:${port}`;
      // The same topic name on the new cluster (as a re-created topic or a replaced cluster would have).
      const topic = topicName;
      const admin = testKafka(brokers).admin();
      await admin.connect();
      await ensureTopic(admin, { topic, partitions: PARTITIONS }).finally(() => admin.disconnect());
      await produce(brokers, topic, sent);
      const handled = await pollUntilHandled(
        {
          brokers,
          topic,
          groupId: `${topic}-group`,
          handler: processor.handler,
          batchSize: 20,
          maxBatchingWindowMs: 50,
        },
        sent.length,
        90_000,
      );
      expect(handled).toBe(sent.length);
      await kafka.stop();
      kafka = undefined;
    };

    const first = messages(60, 0);
    const second = messages(45, 600);
    await phase(first);
    expect(processor.metrics.totals.RecordsProcessed).toBe(first.filter((m) => !m.bad).length);
    const before = (await scanTable(endpoint, names.state)).find((i) => i.sk === 'STATE')?.source;
    // The cluster is replaced: its data is wiped (a new cluster id is formatted on start), the tables stay.
    await rm(join(kafkaDir, 'data'), { recursive: true, force: true });
    await phase(second);

    const all = [...first, ...second];
    const good = all.filter((m) => !m.bad);
    const items = await scanTable(endpoint, names.state);
    const devices = items.filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];
    const expectedPerDevice = new Map<string, number>();
    for (const m of good) expectedPerDevice.set(m.deviceId, (expectedPerDevice.get(m.deviceId) ?? 0) + 1);
    expect(new Map(devices.map((d) => [d.deviceId, d.recordCount]))).toEqual(expectedPerDevice);
    // Windows: every good record in exactly one minute (window items + the open minute in the device item).
    const windows = items.filter((i) => String(i.sk).startsWith('WIN#')) as unknown as WindowItem[];
    const windowed =
      windows.reduce((sum, w) => sum + w.count, 0) +
      devices.reduce((sum, d) => sum + (d.openWindow?.count ?? 0), 0);
    expect(windowed).toBe(good.length);
    const shards = items.filter((i) => String(i.sk).startsWith('RECORDS#')) as unknown as FleetItem[];
    expect(shards.reduce((sum, s) => sum + s.records, 0)).toBe(good.length);
    // Both incarnations' watermarks are distinct: the devices now carry the new cluster's.
    expect(new Set(devices.map((d) => d.source)).size).toBe(1);
    expect(devices[0]?.source).toMatch(new RegExp(`/${topicName}$`));
    expect(devices[0]?.source).not.toBe(before);
    // Every poison record of both clusters, with its partition and offset; nothing stalled.
    expect(await deadLetterPositions(datalakeDir)).toEqual(
      [...poisonPositions(first), ...poisonPositions(second)].sort(),
    );
    expect(processor.metrics.totals.RecordsProcessed).toBe(good.length);
    expect(processor.metrics.totals.OffsetsRewound).toBe(0);
  });
});
