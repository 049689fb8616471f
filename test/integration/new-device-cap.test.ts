/**
 * The new-device cap on real Kafka + DynamoDB Local (issue 25): a producer floods one partition with new device ids;
 * exactly the devices over the cap for the minute (by the broker's append time) are dead-lettered, every record of
 * them and nothing else, and a batch that fails part-way and is retried decides the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DeviceItem } from '#core/items/device.ts';
import type { FleetItem } from '#core/items/fleet.ts';
import { STATE_SK } from '#core/items/keys.ts';
import type { StateStore } from '#core/ports.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { createTestTopic, pollUntilHandled, testKafka } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { deadLetters, scanTable } from './support.ts';

const endpoint = inject('dynamodbEndpoint');
const brokers = inject('brokers');
const CAP = 10;
const SEEDED = 5;
const FLOOD = 25;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const value = (deviceid: string) =>
  JSON.stringify({
    deviceid,
    model: 'EVG2000',
    interface: 'eth0',
    interfacestatus: 'up',
    cpuusage: 3,
    memoryusage: 3,
    event_time: new Date(Date.now() - 5_000).toISOString(),
  });

/** Fails the 6th write of an attempt while `armed()` (after the cap item and some devices are written). */
const failingSixthWrite = (inner: StateStore, armed: () => boolean): StateStore => {
  let writes = 0;
  const fail = () => {
    if (armed() && ++writes === 6)
      throw Object.assign(new Error('injected 500'), { name: 'InternalServerError' });
  };
  return {
    read: (keys, options) => inner.read(keys, options),
    put: async (write) => {
      fail();
      return inner.put(write);
    },
    transact: async (writes_) => {
      fail();
      return inner.transact(writes_);
    },
  };
};

describe('new-device cap on real Kafka', () => {
  it('dead-letters exactly the devices over the cap of their minute, every record of them, once decided', async () => {
    const tables = localTableNames(uniquePrefix('cap'));
    await createTables(localDynamoDb(endpoint), tables);
    const datalakeDir = await mkdtemp(join(tmpdir(), 'fleetstream-cap-'));
    dirs.push(datalakeDir);
    const topic = await createTestTopic(brokers, 'cap-telemetry', 1);
    let injected = false;
    let failed = 0;
    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables,
      datalakeDir,
      backoff: { baseMs: 1, maxMs: 5, attempts: 3 },
      newDevicesPerPartitionMinute: CAP,
      wrapStore: (store) => failingSixthWrite(store, () => !injected),
    });
    const poll = (records: number) =>
      pollUntilHandled(
        {
          brokers,
          topic,
          groupId: `${topic}-group`,
          handler: async (event) => {
            try {
              await processor.handler(event);
            } catch (error) {
              failed += 1;
              throw error;
            } finally {
              injected = true;
            }
          },
          batchSize: 500,
          maxBatchingWindowMs: 200,
          retryBackoff: { initialMs: 10, maxMs: 20 },
        },
        records,
        60_000,
      );
    const producer = testKafka(brokers).producer();
    await producer.connect();
    // One send per phase: one record batch, so one broker append time (one minute) for all its records.
    const seeded = Array.from({ length: SEEDED }, (_, i) => `known-${i}`);
    const [seedMeta] = await producer.send({
      topic,
      messages: seeded.map((d) => ({ key: d, value: value(d) })),
    });
    injected = true; // the seed batch runs clean
    expect(await poll(SEEDED)).toBe(SEEDED);
    injected = false;
    const flood = Array.from({ length: FLOOD }, (_, i) => `garbage-${String(i).padStart(2, '0')}`);
    const messages = [...flood, ...seeded, ...flood].map((d) => ({ key: d, value: value(d) }));
    const [floodMeta] = await producer.send({ topic, messages });
    await producer.disconnect();
    expect(await poll(messages.length)).toBe(messages.length);

    expect(failed).toBe(1); // the flood's first attempt failed part-way; its retry decided the same
    const minuteOf = (meta: typeof seedMeta) => Math.floor(Number(meta?.logAppendTime) / 60_000);
    expect(Number(floodMeta?.logAppendTime)).toBeGreaterThan(0); // LogAppendTime topic: the broker's time
    const room = minuteOf(floodMeta) === minuteOf(seedMeta) ? CAP - SEEDED : CAP;
    const items = await scanTable(endpoint, tables.state);
    const devices = items.filter((i) => i.sk === STATE_SK) as unknown as DeviceItem[];
    const admitted = flood.slice(0, room);
    expect(devices.map((d) => d.deviceId).sort()).toEqual([...seeded, ...admitted].sort());
    expect(devices.every((d) => d.recordCount === 2)).toBe(true); // seeded: 1 + 1; admitted: 2 in the flood

    const letters = await deadLetters(datalakeDir);
    const unique = new Map(letters.map((l) => [l.id, l]));
    const over = flood.slice(room);
    expect(unique.size).toBe(over.length * 2);
    for (const letter of unique.values()) {
      expect(letter.reason).toMatch(/^new-device-cap: over 10 new devices on partition 0/);
      expect(over).toContain(JSON.parse(Buffer.from(letter.value, 'base64').toString()).deviceid);
    }
    const fleet = items.filter((i) => String(i.sk).startsWith('RECORDS#')) as unknown as FleetItem[];
    expect(fleet.reduce((sum, f) => sum + f.records, 0)).toBe(2 * (SEEDED + admitted.length));
  });
});
