/**
 * Issue 25's clock-edge reproduction on real Kafka + DynamoDB Local. One device, a record whose event_time is 320 s
 * ahead of now, in a batch whose writes fail (a DynamoDB 500, injected at the store) while the processor's clock
 * moves on 20 s per attempt (injected: nothing sleeps in real time) until the faults end 40 s "later". When the skew
 * rule read the processing clock, the first attempt dead-lettered the record and the retry (295 s ahead) folded it:
 * device 4 records, /fleet 3, the record both folded and dead-lettered. Judged against the Kafka timestamp (the
 * broker's append time on a LogAppendTime topic) every attempt decides the same: exact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, STATE_SK } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import { silentLog } from '#core/log.ts';
import type { ConditionalWrite, StateStore } from '#core/ports.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { createTestTopic, pollUntilHandled, testKafka } from '#test/support/kafka.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { deadLetters, scanTable } from './support.ts';

const endpoint = inject('dynamodbEndpoint');
const brokers = inject('brokers');
const ATTEMPT_MS = 20_000;
const FAULTS_FOR_MS = 40_000;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** What the SDK throws for a DynamoDB 500 once its own retries are spent. */
const internalServerError = () =>
  Object.assign(new Error('Internal server error (injected)'), {
    name: 'InternalServerError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
  });

type Target = 'device' | 'fleet transaction';

/** Fails the writes of `target` while `active()` says the outage lasts. */
const failing = (inner: StateStore, target: Target, active: () => boolean): StateStore => {
  const hit = (writes: readonly ConditionalWrite[], transaction: boolean) =>
    active() &&
    (target === 'device'
      ? writes.some((w) => w.item.pk.startsWith('DEVICE#'))
      : transaction && writes.some((w) => w.item.pk.startsWith('FLEET')));
  return {
    read: (keys, options) => inner.read(keys, options),
    put: async (write) => {
      if (hit([write], false)) throw internalServerError();
      return inner.put(write);
    },
    transact: async (writes) => {
      if (hit(writes, true)) throw internalServerError();
      return inner.transact(writes);
    },
  };
};

const record = (deviceid: string, eventMs: number, status = 'up') =>
  JSON.stringify({
    deviceid,
    model: 'EVG2000',
    interface: 'eth0',
    interfacestatus: status,
    cpuusage: 20,
    memoryusage: 512,
    event_time: new Date(eventMs).toISOString(),
  });

const fleet = async (tables: ReturnType<typeof localTableNames>) => {
  const api = createLookupApi({ db: createDocumentClient(endpoint), tables, now: Date.now }, silentLog);
  const response = await api({
    httpMethod: 'GET',
    path: '/fleet',
    resource: '/{proxy+}',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: 'fleet' },
    requestContext: { requestId: 'clock-edge' },
    body: null,
  } as unknown as APIGatewayProxyEvent);
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body) as { devices: number; records: number };
};

const scenario = async (name: string, target: Target) => {
  const tables = localTableNames(uniquePrefix(name));
  await createTables(localDynamoDb(endpoint), tables);
  const datalakeDir = await mkdtemp(join(tmpdir(), `fleetstream-${name}-`));
  dirs.push(datalakeDir);
  const topic = await createTestTopic(brokers, name, 1);
  const admin = testKafka(brokers).admin();
  await admin.connect();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: topic, configNames: ['message.timestamp.type'] }],
  });
  await admin.disconnect();

  const startMs = Date.now();
  let clockMs = startMs;
  let attempts = 0;
  const processor = createLocalStateProcessor({
    dynamodbEndpoint: endpoint,
    tables,
    datalakeDir,
    backoff: { baseMs: 1, maxMs: 5, attempts: 3 },
    clock: () => clockMs,
    maxEventTimeSkewSeconds: 300,
    wrapStore: (store) => failing(store, target, () => clockMs - startMs < FAULTS_FOR_MS),
  });
  const producer = testKafka(brokers).producer();
  await producer.connect();
  const poll = (records: number) =>
    pollUntilHandled(
      {
        brokers,
        topic,
        groupId: `${topic}-group`,
        batchSize: 100,
        maxBatchingWindowMs: 50,
        retryBackoff: { initialMs: 10, maxMs: 20 },
        handler: async (event) => {
          attempts += 1;
          if (attempts > 1) clockMs += ATTEMPT_MS; // each retry runs "20 s later" (no real sleep)
          await processor.handler(event);
        },
      },
      records,
      60_000,
    );
  if (target === 'fleet transaction') {
    // The device exists first, so its own write is a plain put; the new device d2 needs the fleet transaction.
    await producer.send({ topic, messages: [{ key: 'd1', value: record('d1', startMs - 10_000) }] });
    clockMs = startMs + FAULTS_FOR_MS; // no faults for this one
    expect(await poll(1)).toBe(1);
    clockMs = startMs;
    attempts = 0;
  }
  const skewed = startMs + 320_000;
  const batch = [
    { key: 'd1', value: record('d1', startMs - 3_000) },
    { key: 'd1', value: record('d1', skewed, 'down') },
    { key: 'd1', value: record('d1', startMs - 2_000) },
    { key: 'd1', value: record('d1', startMs - 1_000) },
    ...(target === 'fleet transaction' ? [{ key: 'd2', value: record('d2', startMs - 1_000) }] : []),
  ];
  await producer.send({ topic, messages: batch });
  await producer.disconnect();
  const before = target === 'fleet transaction' ? 1 : 0;
  expect(await poll(batch.length)).toBe(batch.length);
  return { tables, datalakeDir, described, attempts, skewedOffset: before + 1, total: before + batch.length };
};

describe('clock edge: a record 320 s ahead while device writes fail for 40 s (issue 25)', () => {
  it.each<Target>(['device', 'fleet transaction'])(
    'failing %s writes: every attempt dead-letters it, and the device and /fleet agree exactly',
    async (target) => {
      const run = await scenario(`clock-edge-${target.replace(' ', '-')}`, target);
      expect(run.described.resources[0]?.configEntries[0]?.configValue).toBe('LogAppendTime');
      expect(run.attempts).toBeGreaterThanOrEqual(3); // failed at 0 s and 20 s, succeeded at 40 s

      const items = (await scanTable(endpoint, run.tables.state)) as unknown as StateItem[];
      const device = items.find((i) => i.pk === deviceKey('d1').pk && i.sk === STATE_SK) as DeviceItem;
      const letters = await deadLetters(run.datalakeDir);
      const ids = new Set(letters.map((l) => l.id));
      // Dead-lettered (at least once: once per attempt, one id), never folded.
      expect(ids.size).toBe(1);
      expect(
        letters.every((l) => l.offset === run.skewedOffset && l.reason === 'event_time in the future'),
      ).toBe(true);
      expect(device.status).toBe('up');
      const folded = run.total - 1;
      const devices = items.filter((i): i is DeviceItem => i.sk === STATE_SK);
      expect(devices.reduce((sum, d) => sum + d.recordCount, 0)).toBe(folded);
      expect(await fleet(run.tables)).toMatchObject({ devices: devices.length, records: folded });
    },
  );
});
