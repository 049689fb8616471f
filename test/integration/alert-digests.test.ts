import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { createMutesCache } from '#adapters/mutes-cache.ts';
import type { AlertItem } from '#core/items/alert.ts';
import { alertKey, deviceKey } from '#core/items/keys.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createNotifier } from '#lambda/notifier/notifier.ts';
import { startAlertsStream } from '#scripts/local/alerts-stream.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';
import { proxyEvent } from '#test/support/proxy-event.ts';

// The outage of issue 21: 500 modems go down within seconds. Their alerts reach the real notifier through DynamoDB
// Local's stream (the local runtime's poller with a batching window, deliveries of at most 100 records, as Lambda
// would hand them over):
// a handful of SNS messages for the rule, each alert still an episode the API lists as firing; a mute holds one model's
// alerts back.

const names = localTableNames(uniquePrefix('digests'));
const DEVICES = 500;
const MODELS = ['EVG2000', 'DG3450', 'TG1682', 'SR400ac'];
const NOW = Date.UTC(2026, 10, 21, 10, 5, 0);
let dir: string;
let db: DynamoDBDocumentClient;

const deviceId = (n: number) => `out${String(n).padStart(4, '0')}`;
const alert = (n: number): AlertItem => {
  const at = new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + n * 7).toISOString();
  const alertId = n.toString(16).padStart(32, '0');
  return {
    deviceId: deviceId(n),
    alertKey: alertKey(at, alertId),
    alertId,
    ruleId: 'modem-down',
    severity: 'critical',
    message: `modem ${n} down`,
    at,
    day: at.slice(0, 10),
    model: MODELS[n % MODELS.length] as string,
    registry: null,
    field: 'interfacestatus',
    value: 'down',
    topic: 'modem-telemetry',
    partition: n % 6,
    offset: n,
  };
};

const writeAll = async (table: string, items: object[]) => {
  for (let i = 0; i < items.length; i += 25)
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
};

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  dir = await mkdtemp(join(tmpdir(), 'alert-digests-'));
  await createTables(localDynamoDb(endpoint), names);
  db = createDocumentClient(endpoint);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an outage of 500 modems through the alerts stream and the notifier', () => {
  it('publishes a handful of digests for the rule, holds the muted model back, and lists 500 firing episodes', async () => {
    const endpoint = inject('dynamodbEndpoint');
    // Maintenance on SR400ac: a mute as PUT /mutes stores it.
    await db.send(
      new PutCommand({
        TableName: names.operator,
        Item: {
          pk: 'MUTE',
          sk: 'maint',
          muteId: 'maint',
          model: 'SR400ac',
          until: '2026-11-21T12:00:00.000Z',
          createdBy: 'ops',
          updatedAt: '2026-11-21T09:00:00.000Z',
        },
      }),
    );
    const published: PublishCommand['input'][] = [];
    const sns = {
      send: async (command: PublishCommand) => published.push(command.input),
    } as unknown as SNSClient;
    const counted = new Map<string, number>();
    const notify = createNotifier({
      sns,
      topicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
      log: silentLog,
      metrics: { add: (name, n) => counted.set(name, (counted.get(name) ?? 0) + n), flush: () => {} },
      mutes: createMutesCache(db, names.operator, { clock: () => NOW }),
      clock: () => NOW,
    });
    let records = 0;
    const stream = await startAlertsStream({
      dynamodbEndpoint: endpoint,
      table: names.alerts,
      positionFile: join(dir, 'alerts-stream.json'),
      pollIntervalMs: 200,
      // The construct's group window is 30 s (Lambda's batching window); a short one here keeps the test quick.
      maxBatchingWindowMs: 10_000,
      handler: async (event) => {
        const result = await notify(event);
        records += event.Records.length;
        return result;
      },
    });
    try {
      // The processor writes each device (its firing set) and its alert; here both directly, all within seconds.
      const alerts = Array.from({ length: DEVICES }, (_, n) => alert(n));
      await writeAll(
        names.state,
        alerts.map((a) => ({
          ...deviceKey(a.deviceId),
          deviceId: a.deviceId,
          model: a.model,
          firing: ['modem-down'],
        })),
      );
      await writeAll(names.alerts, alerts);
      const deadline = Date.now() + 60_000;
      while (records < DEVICES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await stream.stop();
    }
    expect(records).toBe(DEVICES);

    const muted = DEVICES / MODELS.length;
    expect(counted.get('NotificationsMuted')).toBe(muted);
    // A handful of messages (deliveries of ≤ 100 records each), every one a digest of the rule; together they carry
    // every alert that was not muted, once.
    // (a delivery cut short by the window may carry a few alerts of its own, each ≤ 10 a message).
    console.log(
      `alert digests: ${published.length} SNS messages for ${DEVICES} alerts (${muted} muted): ${JSON.stringify(
        published.map((m) => m.MessageAttributes?.digest?.StringValue ?? 'single'),
      )}`,
    );
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(published.length).toBeLessThanOrEqual(10);
    for (const message of published) {
      expect(message.MessageAttributes?.ruleId?.StringValue).toBe('modem-down');
      expect(message.MessageAttributes?.state?.StringValue).toBe('firing');
      expect(message.MessageAttributes?.model?.StringValue).not.toBe('SR400ac');
      expect(message.Message).not.toMatch(/SR400ac \d/);
    }
    const carried = published.map((m) => Number(m.MessageAttributes?.digest?.StringValue ?? '1'));
    expect(carried.reduce((a, b) => a + b, 0)).toBe(DEVICES - muted);

    // Per-device alerts stay queryable: 500 firing episodes (fleet-wide pages hold 100; every device lists its one).
    const api = createLookupApi({ db, tables: names, now: () => NOW }, silentLog);
    const query = async (path: string, query: Record<string, string>) =>
      JSON.parse(
        (
          await api(
            proxyEvent('GET', path, Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))),
          )
        ).body,
      ) as {
        items: Array<{ state: string; deviceId: string; muted: boolean }>;
      };
    const page = await query('/alerts', { state: 'firing', limit: '100' });
    expect(page.items).toHaveLength(100);
    expect(page.items.every((a) => a.state === 'firing')).toBe(true);
    let firing = 0;
    let listedMuted = 0;
    for (let n = 0; n < DEVICES; n += 10) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          query('/alerts', { deviceId: deviceId(n + i), state: 'firing' }),
        ),
      );
      for (const { items } of replies) {
        firing += items.length;
        listedMuted += items.filter((a) => a.muted).length;
      }
    }
    expect(firing).toBe(DEVICES);
    expect(listedMuted).toBe(muted);
  });
});
