/**
 * Poison and hostile records interleaved with good ones on several partitions of a real Kafka topic, through the
 * local event-source poller into the processor on DynamoDB Local: nothing stalls, every good record is folded exactly
 * (prototype names included), every bad one is in dead-letter with its partition, offset and a stable id.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readCounts } from '#core/data-map.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { deadLetters, scanTable } from '#test/support/integration.ts';
import { createTestTopic, pollUntilHandled, testKafka } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

const endpoint = inject('dynamodbEndpoint');
const brokers = inject('brokers');
const NOW = Date.parse('2026-11-21T10:00:00Z');
const PARTITIONS = 3;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

interface Message {
  key: Buffer | null;
  value: Buffer;
  /** The device and model a good record folds into; null for a record that must be dead-lettered. */
  good: { deviceId: string; model: string; status: string } | null;
}

const good = (deviceId: string, model: string, status: string, second: number): Message => ({
  key: Buffer.from(deviceId),
  value: Buffer.from(
    JSON.stringify({
      deviceid: deviceId,
      model,
      interface: 'eth0',
      interfacestatus: status,
      cpuusage: 10,
      memoryusage: 100,
      event_time: new Date(NOW - 600_000 + second * 1000).toISOString(),
    }),
  ),
  good: { deviceId, model, status },
});
const template = JSON.stringify({
  deviceid: 'dvc0001',
  model: 'EVG2000',
  interface: 'eth0',
  interfacestatus: 'up',
  cpuusage: 10,
  memoryusage: 100,
  event_time: new Date(NOW - 60_000).toISOString(),
});
const poison: Message[] = [
  // 30,000 nested arrays in cpuusage: overflowed the stack while describing it, stopping every partition.
  {
    key: null,
    value: Buffer.from(template.replace('10', `${'['.repeat(30_000)}${']'.repeat(30_000)}`)),
    good: null,
  },
  { key: null, value: Buffer.from(template.replace('"eth0"', '"eth\\ud800"')), good: null },
  {
    key: null,
    value: Buffer.from(template.replace(/"event_time":"[^"]+"/, '"event_time":"2099-01-01T00:00:00Z"')),
    good: null,
  },
  { key: Buffer.alloc(200_000, 'k'), value: Buffer.from('{not json'), good: null },
  { key: null, value: Buffer.alloc(70_000, '{'), good: null },
  { key: null, value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), good: null },
  { key: null, value: Buffer.from(template.replace('10', '1e16')), good: null },
  { key: null, value: Buffer.from('{"__proto__":{"deviceid":"x"},"constructor":1}'), good: null },
];
const HOSTILE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', '~other'];

const messages = (): Message[] => {
  const out: Message[] = [];
  for (let i = 0; i < 150; i++) {
    const name = HOSTILE_NAMES[i % HOSTILE_NAMES.length] as string;
    out.push(
      good(
        i % 2 === 0 ? name : `dvc${i % 7}`,
        i % 3 === 0 ? name : 'EVG2000',
        i % 4 === 0 ? name : 'down',
        i,
      ),
    );
    if (i % 5 === 0) out.push(poison[(i / 5) % poison.length] as Message);
  }
  return out;
};

const tally = (values: readonly string[]) => {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
};

const sum = (maps: readonly Map<string, number>[]) => {
  const out = new Map<string, number>();
  for (const map of maps) for (const [name, n] of map) out.set(name, (out.get(name) ?? 0) + n);
  for (const [name, n] of out) if (n === 0) out.delete(name);
  return out;
};

describe('hostile records on the local pipeline', () => {
  it('folds every good record exactly and dead-letters every bad one; no partition stalls', async () => {
    const names = localTableNames(uniquePrefix('hostile'));
    await createTables(localDynamoDb(endpoint), names);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-hostile-'));
    dirs.push(datalakeDir);
    const topic = await createTestTopic(brokers, 'hostile-telemetry', PARTITIONS);

    const sent = messages().map((m, i) => ({ ...m, partition: i % PARTITIONS }));
    const producer = testKafka(brokers).producer();
    await producer.connect();
    const results = await producer.send({
      topic,
      messages: sent.map((m) => ({ key: m.key, value: m.value, partition: m.partition })),
    });
    // A key too big for one Firehose record once base64 in a line (800 KB; Kafka takes up to 1 MB), sent on its own.
    const hugeKey = { key: Buffer.alloc(800_000, 'k'), value: Buffer.from('[]'), good: null, partition: 1 };
    const [huge] = await producer.send({ topic, messages: [{ ...hugeKey, partition: 1 }] });
    await producer.disconnect();
    // Offsets in each partition follow the send order (one request, one batch per partition).
    const next = new Map(results.map((r) => [r.partition, Number(r.baseOffset)]));
    const produced = [
      ...sent.map((m) => {
        const offset = next.get(m.partition) ?? 0;
        next.set(m.partition, offset + 1);
        return { ...m, offset };
      }),
      { ...hugeKey, offset: Number(huge?.baseOffset) },
    ];

    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables: names,
      datalakeDir,
      clock: () => NOW,
      backoff: { baseMs: 1, maxMs: 20, attempts: 12 },
    });
    const failures: unknown[] = [];
    const handled = await pollUntilHandled(
      {
        brokers,
        topic,
        groupId: `${topic}-group`,
        handler: processor.handler,
        batchSize: 40,
        maxBatchingWindowMs: 100,
        onError: (error) => failures.push(error),
      },
      produced.length,
      90_000,
    );
    expect(failures).toEqual([]);
    expect(handled).toBe(produced.length);

    const folded = produced.flatMap((m) => (m.good ? [m.good] : []));
    const bad = produced.filter((m) => m.good === null);
    const state = await scanTable(endpoint, names.state);
    const devices = state.filter((i) => i.sk === 'STATE') as unknown as DeviceItem[];
    expect(new Map(devices.map((d) => [d.deviceId, d.recordCount]))).toEqual(
      tally(folded.map((g) => g.deviceId)),
    );
    const records = state.filter((i) => String(i.sk).startsWith('RECORDS#')) as unknown as FleetItem[];
    // Device counts: summed over the partitions' fleet items, as readers sum them.
    const shards = records.map((r) => ({
      ...r,
      byModelDevices: r.byModelDevices ?? {},
      byStatus: r.byStatus ?? {},
    }));
    expect(sum(records.map((r) => readCounts(r.byModel).byName))).toEqual(tally(folded.map((g) => g.model)));
    expect(sum(shards.map((s) => readCounts(s.byModelDevices).byName))).toEqual(
      tally(devices.map((d) => d.model)),
    );
    expect(sum(shards.map((s) => readCounts(s.byStatus).byName))).toEqual(
      tally(devices.map((d) => d.status)),
    );

    const letters = await deadLetters(datalakeDir);
    expect(letters.map((l) => `${l.partition}@${l.offset}`).sort()).toEqual(
      bad.map((m) => `${m.partition}@${m.offset}`).sort(),
    );
    expect(new Set(letters.map((l) => l.id)).size).toBe(letters.length);
    expect(letters.map((l) => l.reason)).toContain('event_time in the future');
    expect(letters.find((l) => l.keyBytes === 800_000)).toMatchObject({
      truncated: true,
      valueBytes: 2,
      value: 'W10=',
    });
    expect(letters.find((l) => l.key?.length === 266_668)).toMatchObject({
      reason: expect.stringMatching(/^not JSON/),
    });
  }, 150_000);
});
