import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { deviceKey } from '#core/items/keys.ts';
import { silentLog } from '#core/log.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createNotifier } from '#lambda/notifier/notifier.ts';
import { createLocalStateProcessor } from '#lambda/state-processor/local.ts';
import { startAlertsStream } from '#scripts/local/alerts-stream.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { toMskEvent } from '#test/support/msk-event.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

// Alert episodes end to end on DynamoDB Local (issue 21 items 3-4): the state processor raises and resolves alerts
// (a forSeconds rule fires only once its condition has held), the alerts table's stream hands them to the real
// notifier (a resolution published once, with the `state` attribute, even when its batch is delivered twice), and the
// lookup API lists them as episodes beside an alert written by the previous version.

const names = localTableNames(uniquePrefix('episodes'));
const BASE = Date.UTC(2026, 11, 6, 9, 0, 0);
const NOW = BASE + 3_600_000;
const time = (second: number) => new Date(BASE + second * 1000).toISOString();
let dir: string;
let db: DynamoDBDocumentClient;
let offset = 0;

const record = (
  deviceid: string,
  second: number,
  fields: { status?: string; cpu?: number },
): SourceRecord => ({
  topic: 'modem-telemetry',
  partition: 0,
  offset: offset++,
  timestampMs: BASE + second * 1000,
  key: Buffer.from(deviceid),
  value: Buffer.from(
    JSON.stringify({
      deviceid,
      model: 'EVG2000',
      interface: 'eth0',
      interfacestatus: fields.status ?? 'up',
      cpuusage: fields.cpu ?? 10,
      memoryusage: 100,
      event_time: time(second),
    }),
  ),
});

const put = (table: string, item: object) => db.send(new PutCommand({ TableName: table, Item: item }));

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  dir = await mkdtemp(join(tmpdir(), 'alert-episodes-'));
  await createTables(localDynamoDb(endpoint), names);
  db = createDocumentClient(endpoint);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('alert episodes: processor → alerts table and stream → notifier, and the lookup API', () => {
  it('raises after forSeconds, resolves once with a notification, and lists old and new alerts as episodes', async () => {
    const endpoint = inject('dynamodbEndpoint');
    await put(names.rules, {
      ruleId: 'modem-down',
      when: { field: 'interfacestatus', op: '==', value: 'down' },
      severity: 'critical',
      enabled: true,
    });
    await put(names.rules, {
      ruleId: 'cpu-hot',
      when: { field: 'cpuusage', op: '>', value: 80 },
      forSeconds: 60,
      severity: 'warning',
      enabled: true,
    });
    const processor = createLocalStateProcessor({
      dynamodbEndpoint: endpoint,
      tables: names,
      datalakeDir: dir,
      clock: () => NOW,
      rulesCacheSeconds: 0,
    });
    // What the previous version left: a device item firing without openAlerts, and its alert without an episode.
    await processor.process(toMskEvent([record('old1', -600, { status: 'down' })]));
    const { openAlerts: _open, ...oldDevice } = (await getItem(names.state, { ...deviceKey('old1') })) ?? {};
    await put(names.state, oldDevice);
    const [written] =
      (
        await db.send(
          new QueryCommand({
            TableName: names.alerts,
            KeyConditionExpression: 'deviceId = :d',
            ExpressionAttributeValues: { ':d': 'old1' },
          }),
        )
      ).Items ?? [];
    const { state: _state, startsAt: _starts, endsAt: _ends, ...oldAlert } = written ?? {};
    await put(names.alerts, oldAlert);

    const published: PublishCommand['input'][] = [];
    const sns = {
      send: async (command: PublishCommand) => published.push(command.input),
    } as unknown as SNSClient;
    const notify = createNotifier({
      sns,
      topicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
      log: silentLog,
      clock: () => NOW,
    });
    const stream = await startAlertsStream({
      dynamodbEndpoint: endpoint,
      table: names.alerts,
      positionFile: join(dir, 'alerts-stream.json'),
      pollIntervalMs: 100,
      handler: notify,
    });
    try {
      await processor.process(
        toMskEvent([
          record('d1', 0, { status: 'down' }),
          record('d2', 0, { cpu: 95 }),
          record('d2', 30, { cpu: 96 }),
        ]),
      );
      expect(await firing()).toEqual(['modem-down d1', 'modem-down old1']);
      await processor.process(toMskEvent([record('d2', 61, { cpu: 97 })]));
      expect(await firing()).toEqual(['cpu-hot d2', 'modem-down d1', 'modem-down old1']);
      const [hot] = await listed('/alerts', { deviceId: 'd2', since: time(-3600) });
      expect(hot).toMatchObject({
        ruleId: 'cpu-hot',
        state: 'firing',
        startsAt: time(0),
        at: time(61),
        endsAt: null,
      });
      expect((await device('d1')).activeAlerts).toMatchObject([{ ruleId: 'modem-down', at: time(0) }]);

      // d1 and old1 recover; the batch is delivered twice (a retry): one resolution reaches the stream.
      const recovery = toMskEvent([record('d1', 120, {}), record('old1', 120, {})]);
      await processor.process(recovery);
      await processor.process(recovery);
      const deadline = Date.now() + 30_000;
      while (published.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    } finally {
      await stream.stop();
    }
    const notified = published.map(
      (m) => `${m.MessageAttributes?.state?.StringValue} ${m.MessageAttributes?.ruleId?.StringValue}`,
    );
    // The stream is read from its start: the old alert's INSERT is notified too (its rewrite without state is not).
    expect(notified.sort()).toEqual([
      'firing cpu-hot',
      'firing modem-down',
      'firing modem-down',
      'resolved modem-down',
    ]);
    expect(await firing()).toEqual(['cpu-hot d2']);
    const resolved = await listed('/alerts', { since: time(-3600), state: 'resolved' });
    expect(resolved.map((a) => [a.deviceId, a.ruleId, a.startsAt, a.endsAt])).toEqual([
      ['d1', 'modem-down', time(0), time(120)],
      // Written before episodes: resolved, when is unknown.
      ['old1', 'modem-down', time(-600), null],
    ]);
    expect((await device('d1')).activeAlerts).toEqual([]);
    expect((await device('old1')).activeAlerts).toEqual([]);
    expect((await device('d2')).activeAlerts).toMatchObject([{ ruleId: 'cpu-hot', at: time(61) }]);
  }, 90_000);
});

async function getItem(table: string, key: Record<string, string>) {
  return (await db.send(new GetCommand({ TableName: table, Key: key }))).Item;
}

type Listed = { deviceId: string; ruleId: string; state: string; startsAt: string; endsAt: string | null };
async function listed(path: string, query: Record<string, string>): Promise<Listed[]> {
  const api = createLookupApi({ db, tables: names, now: () => NOW }, silentLog);
  const reply = await api(
    proxyEvent('GET', path, Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))),
  );
  expect(reply.statusCode).toBe(200);
  return (JSON.parse(reply.body) as { items: Listed[] }).items;
}

async function firing(): Promise<string[]> {
  return (await listed('/alerts', { since: time(-3600), state: 'firing' }))
    .map((a) => `${a.ruleId} ${a.deviceId}`)
    .sort();
}

async function device(deviceId: string): Promise<{ activeAlerts: { ruleId: string; at: string }[] }> {
  const api = createLookupApi({ db, tables: names, now: () => NOW }, silentLog);
  const reply = await api(proxyEvent('GET', `/devices/${deviceId}`));
  expect(reply.statusCode).toBe(200);
  return JSON.parse(reply.body);
}
