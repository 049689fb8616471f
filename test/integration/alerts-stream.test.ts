import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambda/adapters/dynamodb-client.ts';
import { type AlertItem, alertKey } from '../../lambda/core/items.ts';
import { createLocalNotifier } from '../../lambda/notifier/local.ts';
import { startAlertsStream } from '../../scripts/local/alerts-stream.ts';
import { createTables, localTableNames } from '../../scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '../support/local-aws.ts';

const names = localTableNames(uniquePrefix('alerts-stream'));
let dir: string;
let endpoint: string;

const alert = (n: number): AlertItem => {
  const at = new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString();
  return {
    deviceId: `dvc${n % 3}`,
    alertKey: alertKey(at, `alert-${n}`),
    alertId: `alert-${n}`,
    ruleId: 'modem-down',
    severity: 'critical',
    message: `modem ${n} down`,
    at,
    day: at.slice(0, 10),
    model: 'EVG2000',
    registry: null,
    field: 'interfacestatus',
    value: 'down',
    topic: 'modem-telemetry',
    partition: n % 6,
    offset: n,
  };
};

const waitFor = async (what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const fileIds = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l).alertId as string);

beforeAll(async () => {
  endpoint = inject('dynamodbEndpoint');
  dir = await mkdtemp(join(tmpdir(), 'alerts-stream-'));
  await createTables(localDynamoDb(endpoint), names);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('alerts stream → local notifier (DynamoDB Local streams)', () => {
  it('notifies every inserted alert once, resumes after a restart, and never re-notifies', async () => {
    const db = createDocumentClient(endpoint);
    const file = join(dir, 'alerts.jsonl');
    const positionFile = join(dir, 'alerts-stream.json');
    const put = (item: AlertItem) => db.send(new PutCommand({ TableName: names.alerts, Item: item }));
    const run = async () => {
      const notifier = await createLocalNotifier({ file, print: () => {} });
      const errors: string[] = [];
      const stream = await startAlertsStream({
        dynamodbEndpoint: endpoint,
        table: names.alerts,
        positionFile,
        pollIntervalMs: 100,
        onAlert: async (a) => {
          await notifier.notify(a);
        },
        onError: (e) => errors.push(e.message),
      });
      return { notifier, stream, errors };
    };

    const first = await run();
    // Writes to another table between polls: on DynamoDB Local they used to make a held iterator stale.
    for (let n = 1; n <= 5; n++) {
      await put(alert(n));
      await db.send(new PutCommand({ TableName: names.rules, Item: { ruleId: `noise-${n}` } }));
    }
    await waitFor('5 alerts', async () => (await fileIds(file)).length === 5);
    // An update of an existing alert (MODIFY) is not a new alert.
    await put({ ...alert(1), message: 'changed' });
    await new Promise((r) => setTimeout(r, 500));
    await first.stream.stop();
    expect(await fileIds(file)).toEqual(['alert-1', 'alert-2', 'alert-3', 'alert-4', 'alert-5']);
    expect(first.stream.stats.alerts).toBe(5);
    expect(first.errors).toEqual([]);

    await put(alert(6));
    const second = await run();
    await waitFor('alert 6', async () => (await fileIds(file)).length === 6);
    await new Promise((r) => setTimeout(r, 500));
    await second.stream.stop();
    // Resumed from the saved position: only the new alert went through the notifier.
    expect(second.stream.stats.alerts).toBe(1);
    expect(second.notifier.notified).toBe(1);

    // Without the position file the stream is read again from the start; the notifier drops what it already sent.
    await rm(positionFile);
    const third = await run();
    await waitFor('the stream reread', () => third.stream.stats.alerts >= 6);
    await third.stream.stop();
    expect(third.notifier.notified).toBe(0);
    expect(await fileIds(file)).toEqual(['alert-1', 'alert-2', 'alert-3', 'alert-4', 'alert-5', 'alert-6']);
  });
});
