import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import type { AlertItem } from '#core/items/alert.ts';
import { alertKey } from '#core/items/keys.ts';
import { startAlertsStream } from '#scripts/local/alerts-stream.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

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

/** A stand-in for the notifier's handler that records each event and can report one record as failed, once. */
const recordingHandler = () => {
  const events: DynamoDBStreamEvent[] = [];
  let failOnce: string | undefined;
  return {
    events,
    failNext(alertId: string) {
      failOnce = alertId;
    },
    /** Alert ids handed over in INSERT records, in order (repeats included). */
    inserted: () =>
      events
        .flatMap((e) => e.Records)
        .filter((r) => r.eventName === 'INSERT')
        .map((r) => r.dynamodb?.NewImage?.alertId?.S),
    handler: async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
      events.push(event);
      const failing = event.Records.find((r) => r.dynamodb?.NewImage?.alertId?.S === failOnce);
      if (failing?.dynamodb?.SequenceNumber === undefined) return { batchItemFailures: [] };
      failOnce = undefined;
      return { batchItemFailures: [{ itemIdentifier: failing.dynamodb.SequenceNumber }] };
    },
  };
};

beforeAll(async () => {
  endpoint = inject('dynamodbEndpoint');
  dir = await mkdtemp(join(tmpdir(), 'alerts-stream-'));
  await createTables(localDynamoDb(endpoint), names);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('alerts stream → notifier handler (DynamoDB Local streams)', () => {
  it("hands the handler Lambda's DynamoDB Streams event, resumes after a restart, and retries from a reported failure", async () => {
    const db = createDocumentClient(endpoint);
    const positionFile = join(dir, 'alerts-stream.json');
    const put = (item: AlertItem) => db.send(new PutCommand({ TableName: names.alerts, Item: item }));
    const run = async (recorder: ReturnType<typeof recordingHandler>) => {
      const errors: string[] = [];
      const stream = await startAlertsStream({
        dynamodbEndpoint: endpoint,
        table: names.alerts,
        positionFile,
        pollIntervalMs: 100,
        handler: recorder.handler,
        onError: (e) => errors.push(e.message),
      });
      return { stream, errors };
    };
    const streamArn = (
      await localDynamoDb(endpoint).send(new DescribeTableCommand({ TableName: names.alerts }))
    ).Table?.LatestStreamArn;

    const first = recordingHandler();
    const one = await run(first);
    // Writes to another table between polls: on DynamoDB Local they used to make a held iterator stale.
    for (let n = 1; n <= 5; n++) {
      await put(alert(n));
      await db.send(new PutCommand({ TableName: names.rules, Item: { ruleId: `noise-${n}` } }));
    }
    await waitFor('5 alerts', () => first.inserted().length === 5);
    // An update of an existing alert reaches the handler as MODIFY (the notifier skips it).
    await put({ ...alert(1), message: 'changed' });
    await waitFor('the MODIFY record', () =>
      first.events.some((e) => e.Records.some((r) => r.eventName === 'MODIFY')),
    );
    await one.stream.stop();
    expect(first.inserted()).toEqual(['alert-1', 'alert-2', 'alert-3', 'alert-4', 'alert-5']);
    expect(one.errors).toEqual([]);

    // Lambda's event shape, field for field.
    const record = first.events[0]?.Records[0];
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'awsRegion',
        'dynamodb',
        'eventID',
        'eventName',
        'eventSource',
        'eventSourceARN',
        'eventVersion',
      ].sort(),
    );
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { deviceId: { S: 'dvc1' }, alertKey: { S: alert(1).alertKey } },
        NewImage: { alertId: { S: 'alert-1' }, partition: { N: '1' } },
        StreamViewType: 'NEW_IMAGE',
      },
    });
    const created = record?.dynamodb?.ApproximateCreationDateTime ?? 0;
    // Epoch seconds, as Lambda sends it (not milliseconds, not a Date).
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(600);
    expect(typeof record?.dynamodb?.SequenceNumber).toBe('string');
    expect(record?.dynamodb?.SizeBytes).toBeGreaterThan(0);

    // Resumed from the saved position: only the new alert; a reported failure is retried from that record on.
    await put(alert(6));
    await put(alert(7));
    const second = recordingHandler();
    second.failNext('alert-7');
    const two = await run(second);
    await waitFor('alert 7 retried', () => second.inserted().filter((id) => id === 'alert-7').length === 2);
    await two.stream.stop();
    expect(second.inserted()).toEqual(['alert-6', 'alert-7', 'alert-7']);
    expect(two.errors.some((e) => e.includes('retrying from it'))).toBe(true);

    // Without the position file the stream is read again from the start: at-least-once, as with Lambda.
    await rm(positionFile);
    const third = recordingHandler();
    const three = await run(third);
    await waitFor('the stream reread', () => third.inserted().length === 7);
    await three.stream.stop();
    expect(third.inserted()).toEqual([
      'alert-1',
      'alert-2',
      'alert-3',
      'alert-4',
      'alert-5',
      'alert-6',
      'alert-7',
    ]);
  });
});
