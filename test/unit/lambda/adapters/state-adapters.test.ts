import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAlertsStore } from '#adapters/alerts-store.ts';
import { backoffDelay, withBackoff } from '#adapters/backoff.ts';
import { FileDeadLetterSink } from '#adapters/dead-letter-file.ts';
import { deadLetterLine, FirehoseDeadLetterSink, firehoseBatches } from '#adapters/dead-letter-firehose.ts';
import { DynamoDbRegistryCache } from '#adapters/registry-cache.ts';
import { DynamoDbRulesCache } from '#adapters/rules-cache.ts';
import { DynamoDbStateStore } from '#adapters/state-store.ts';
import { groupBatch } from '#core/batch/group.ts';
import { planBatch } from '#core/batch/plan.ts';
import { createPlanner } from '#core/batch/planner.ts';
import type { DeadLetter } from '#core/dead-letter.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { writePlan } from '#lambda/state-processor/write-plan.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const firehose = mockClient(FirehoseClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const noWait = { sleep: async () => {}, attempts: 5 };
const awsError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: {}, ...extra });

beforeEach(() => {
  ddb.reset();
  firehose.reset();
});

const device = (version: number): DeviceItem =>
  ({ pk: 'DEVICE#d1', sk: 'STATE', deviceId: 'd1', version }) as unknown as DeviceItem;

describe('backoff', () => {
  it('retries throttling with growing, jittered, capped delays, then gives up', async () => {
    const delays: number[] = [];
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls += 1;
          throw awsError('ThrottlingException');
        },
        () => true,
        {
          attempts: 4,
          baseMs: 10,
          maxMs: 50,
          random: () => 0.999,
          sleep: async (ms) => void delays.push(ms),
        },
      ),
    ).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(4);
    expect(delays).toEqual([19, 39, 49]);
    expect(backoffDelay(3, { baseMs: 10, random: () => 0 })).toBe(0);
  });
});

describe('DynamoDbStateStore', () => {
  it('reads 100 keys per BatchGet, consistently, and retries UnprocessedKeys', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `DEVICE#d${i}`, sk: 'STATE' }));
    ddb.on(BatchGetCommand).callsFake((input) => {
      const requested = input.RequestItems.state.Keys as { pk: string; sk: string }[];
      // The first call of each chunk leaves one key unprocessed.
      const [first, ...rest] = requested;
      const unprocessed = requested.length > 1 ? [first] : [];
      return {
        Responses: { state: (requested.length > 1 ? rest : requested).map((k) => ({ ...k, version: 1 })) },
        UnprocessedKeys: unprocessed.length ? { state: { Keys: unprocessed } } : {},
        ConsumedCapacity: [{ TableName: 'state', CapacityUnits: 2 }],
      };
    });
    const store = new DynamoDbStateStore(client, 'state', noWait);
    const items = await store.read(keys);
    expect(items.size).toBe(150);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 4);
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.state?.Keys).toHaveLength(100);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { state: expect.objectContaining({ ConsistentRead: true }) },
    });
    expect(store.counters).toMatchObject({ readRequests: 4, itemsRead: 150, readCapacityUnits: 8 });
  });

  it('reads eventually consistently when asked (the first read of a batch)', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { state: [] } });
    const store = new DynamoDbStateStore(client, 'state', noWait);
    await store.read([{ pk: 'DEVICE#a', sk: 'STATE' }], { consistent: false });
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { state: expect.objectContaining({ ConsistentRead: false }) },
    });
  });

  it('puts conditionally on the version read (or absence) and reports a failed condition as false', async () => {
    ddb.on(PutCommand).rejectsOnce(awsError('ConditionalCheckFailedException')).resolves({});
    const store = new DynamoDbStateStore(client, 'state', noWait);
    expect(await store.put({ item: device(4), expectedVersion: 3 })).toBe(false);
    expect(await store.put({ item: device(1), expectedVersion: null })).toBe(true);
    expect(ddb).toHaveReceivedNthCommandWith(PutCommand, 1, {
      ConditionExpression: '#version = :version',
      ExpressionAttributeValues: { ':version': 3 },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(ddb).toHaveReceivedNthCommandWith(PutCommand, 2, {
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])(
    'backs off and retries on %s',
    async (name) => {
      ddb.on(PutCommand).rejectsOnce(awsError(name)).rejectsOnce(awsError(name)).resolves({});
      const store = new DynamoDbStateStore(client, 'state', noWait);
      expect(await store.put({ item: device(1), expectedVersion: null })).toBe(true);
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
      expect(store.counters.throttled).toBe(2);
    },
  );

  it('throws when throttling persists, so the batch is retried', async () => {
    ddb.on(PutCommand).rejects(awsError('ThrottlingException'));
    const store = new DynamoDbStateStore(client, 'state', noWait);
    await expect(store.put({ item: device(1), expectedVersion: null })).rejects.toThrow(
      'ThrottlingException',
    );
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 5);
  });

  it('maps TransactionCanceled reasons: failed conditions and conflicts per item, throttling retried', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        awsError('TransactionCanceledException', {
          CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
        }),
      )
      .rejectsOnce(
        awsError('TransactionCanceledException', {
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
        }),
      )
      .rejectsOnce(
        awsError('TransactionCanceledException', {
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const store = new DynamoDbStateStore(client, 'state', noWait);
    const writes = [
      { item: device(2), expectedVersion: 1 },
      { item: device(5), expectedVersion: 4 },
    ];
    // Throttled, then another writer holds item 1: reported so the caller re-reads and re-plans it.
    expect(await store.transact(writes)).toEqual([1]);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(await store.transact(writes)).toEqual([0]);
    expect(await store.transact(writes)).toEqual([]);
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put).toMatchObject({
      TableName: 'state',
      ConditionExpression: '#version = :version',
    });
  });

  it('on a conditional conflict re-reads the item and re-plans just that item', async () => {
    const record = {
      topic: 't',
      partition: 0,
      offset: 8,
      record: {
        deviceId: 'd1',
        model: 'M',
        interface: 'eth0',
        status: 'up',
        cpuUsage: 1,
        memoryUsage: 1,
        eventTime: '2026-11-21T10:00:00.000Z',
        eventTimeMs: Date.parse('2026-11-21T10:00:00.000Z'),
      },
    };
    // A later minute makes the first one a window item (the later one stays in the device); written here on its own,
    // as a late minute's window item is.
    const later = {
      ...record,
      offset: 9,
      record: {
        ...record.record,
        eventTime: '2026-11-21T10:01:00.000Z',
        eventTimeMs: Date.parse('2026-11-21T10:01:00.000Z'),
      },
    };
    const planner = createPlanner(groupBatch([record, later]), {
      rules: [],
      registryOf: () => null,
      windowRetentionDays: 7,
      source: 'c/t',
    });
    const window = planBatch(planner, new Map()).devices[0]?.withDevice[0];
    if (!window) throw new Error('fixture');
    // Someone else created the window meanwhile (folding partition 1): our Put (attribute_not_exists) fails.
    const theirs = { ...window.item, count: 5, cpuSum: 5, offsets: { 1: 3 }, version: 1 };
    ddb.on(PutCommand).rejectsOnce(awsError('ConditionalCheckFailedException')).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { state: [theirs] } });
    const store = new DynamoDbStateStore(client, 'state', noWait);
    const stats = await writePlan(
      { alerts: [], resolves: [], fleetRecords: [], windows: [window], devices: [] },
      {
        store,
        alerts: { write: async () => {}, resolve: async () => {} },
        planner,
        items: new Map(),
        concurrency: 2,
        maxAttempts: 3,
      },
    );
    expect(stats).toMatchObject({ itemWrites: 1, conflicts: 1 });
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(ddb).toHaveReceivedNthCommandWith(PutCommand, 2, {
      Item: expect.objectContaining({ count: 6, offsets: { 0: 8, 1: 3 }, version: 2 }),
      ExpressionAttributeValues: { ':version': 1 },
    });
  });
});

describe('DynamoDbAlertsStore', () => {
  it('puts each alert once: an existing alert (same id) is success', async () => {
    ddb.on(PutCommand).rejectsOnce(awsError('ConditionalCheckFailedException')).resolves({});
    const alert = { deviceId: 'd1', alertKey: 'x#1' } as AlertItem;
    await new DynamoDbAlertsStore(client, 'alerts', { backoff: noWait }).write([
      alert,
      { ...alert, alertKey: 'x#2' },
    ]);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 2);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(alertKey)',
    });
  });
});

describe('DynamoDbAlertsStore resolve', () => {
  it('marks each episode resolved once: a failed condition (already resolved, or unknown) is success', async () => {
    ddb.on(UpdateCommand).rejectsOnce(awsError('ConditionalCheckFailedException')).resolves({});
    await new DynamoDbAlertsStore(client, 'alerts', { backoff: noWait }).resolve([
      { deviceId: 'd1', alertKey: 'x#1', endsAt: '2026-11-21T10:00:05.000Z' },
      { deviceId: 'd1', alertKey: 'x#2', endsAt: '2026-11-21T10:00:06.000Z' },
    ]);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'alerts',
      Key: { deviceId: 'd1', alertKey: 'x#2' },
      UpdateExpression: 'SET #state = :resolved, endsAt = :endsAt',
      ConditionExpression:
        'attribute_exists(alertKey) AND (attribute_not_exists(#state) OR #state <> :resolved)',
      ExpressionAttributeValues: { ':resolved': 'resolved', ':endsAt': '2026-11-21T10:00:06.000Z' },
    });
  });

  it('retries throttling and gives up on other errors', async () => {
    ddb.on(UpdateCommand).rejectsOnce(awsError('ProvisionedThroughputExceededException')).resolves({});
    const store = new DynamoDbAlertsStore(client, 'alerts', { backoff: noWait });
    await store.resolve([{ deviceId: 'd1', alertKey: 'x#1', endsAt: '2026-11-21T10:00:05.000Z' }]);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(store.counters.throttled).toBe(1);
    ddb.on(UpdateCommand).rejects(awsError('ValidationException'));
    await expect(
      store.resolve([{ deviceId: 'd1', alertKey: 'x#1', endsAt: '2026-11-21T10:00:05.000Z' }]),
    ).rejects.toThrow('ValidationException');
  });
});

describe('DynamoDbRulesCache', () => {
  it('scans all pages, skips invalid stored rules, and caches for the TTL', async () => {
    let now = 0;
    const warnings: unknown[] = [];
    const rule = {
      ruleId: 'a',
      when: { field: 'cpuusage', op: '>', value: 90 },
      severity: 'info',
      enabled: true,
    };
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ ...rule, updatedAt: 'x' }], LastEvaluatedKey: { ruleId: 'a' } })
      .resolvesOnce({ Items: [{ ruleId: 'bad', when: {} }] })
      .resolves({ Items: [] });
    const cache = new DynamoDbRulesCache(client, 'rules', {
      ttlSeconds: 30,
      clock: () => now,
      logger: { debug() {}, info() {}, error() {}, warn: (_m, extra) => void warnings.push(extra) },
    });
    expect(await cache.rules()).toEqual([rule]);
    expect(warnings).toEqual([expect.objectContaining({ ruleId: 'bad' })]);
    now = 29_000;
    await cache.rules();
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
    now = 30_000;
    expect(await cache.rules()).toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 3);
  });
});

describe('DynamoDbRegistryCache', () => {
  it('reads only uncached devices, caches misses too, and expires after the TTL', async () => {
    let now = 0;
    ddb.on(BatchGetCommand).callsFake((input) => ({
      Responses: {
        registry: (input.RequestItems.registry.Keys as { deviceId: string }[])
          .filter((k) => k.deviceId === 'd1')
          .map(() => ({ deviceId: 'd1', tier: 'gold', seats: 3 })),
      },
    }));
    const cache = new DynamoDbRegistryCache(client, 'registry', {
      ttlSeconds: 60,
      clock: () => now,
      backoff: noWait,
    });
    expect(await cache.lookup(['d1', 'd2'])).toEqual(
      new Map([
        ['d1', { tier: 'gold' }],
        ['d2', null],
      ]),
    );
    expect(await cache.lookup(['d1', 'd2'])).toEqual(
      new Map([
        ['d1', { tier: 'gold' }],
        ['d2', null],
      ]),
    );
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    now = 60_000;
    await cache.lookup(['d2']);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 2);
  });
});

const letter = (offset: number, value = 'eyJ4Ijox'): DeadLetter => ({
  id: `id-${offset}`,
  topic: 't',
  partition: 2,
  offset,
  key: null,
  value,
  reason: 'not JSON',
  at: '2026-11-21T10:15:30.000Z',
});

describe('FirehoseDeadLetterSink', () => {
  it('retries only the entries Firehose reports as failed', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [
          { RecordId: 'a' },
          { ErrorCode: 'ServiceUnavailableException' },
          { RecordId: 'c' },
        ],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'b' }] });
    await new FirehoseDeadLetterSink(new FirehoseClient({ region: 'us-east-1' }), 'dlq', noWait).write([
      letter(1),
      letter(2),
      letter(3),
    ]);
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls).toHaveLength(2);
    const retried = calls[1]?.args[0].input.Records ?? [];
    expect(retried.map((r) => JSON.parse(Buffer.from(r.Data as Uint8Array).toString()).offset)).toEqual([2]);
  });

  it('gives up (throws) when entries keep failing', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolves({ FailedPutCount: 1, RequestResponses: [{ ErrorCode: 'InternalFailure' }] });
    await expect(
      new FirehoseDeadLetterSink(new FirehoseClient({ region: 'us-east-1' }), 'dlq', noWait).write([
        letter(1),
      ]),
    ).rejects.toThrow(/dead-letter records failed/);
  });

  it('splits calls at 500 records and 4 MiB, and cuts a line too big for one Firehose record', () => {
    expect(
      firehoseBatches(Array.from({ length: 1001 }, () => Buffer.alloc(10))).map((b) => b.length),
    ).toEqual([500, 500, 1]);
    expect(
      firehoseBatches(Array.from({ length: 5 }, () => Buffer.alloc(1024 * 1024))).map((b) => b.length),
    ).toEqual([4, 1]);
    const big = deadLetterLine(letter(1, Buffer.alloc(2_000_000).toString('base64')));
    expect(big.byteLength).toBeLessThanOrEqual(1000 * 1024);
    expect(JSON.parse(big.toString())).toMatchObject({ truncated: true, valueBytes: 2_000_000, offset: 1 });
  });
});

describe('FileDeadLetterSink', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes newline-delimited JSON under dead-letter/year=/month=/day=/hour=', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlq-'));
    dirs.push(dir);
    const sink = new FileDeadLetterSink(dir, 'part.jsonl');
    await sink.write([letter(1), { ...letter(2), key: 'aw==' }]);
    await sink.write([letter(3)]);
    const hourDir = join(dir, 'dead-letter', 'year=2026', 'month=11', 'day=21', 'hour=10');
    expect(await readdir(hourDir)).toEqual(['part.jsonl']);
    const lines = (await readFile(join(hourDir, 'part.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.offset)).toEqual([1, 2, 3]);
    expect(Object.keys(lines[0])).toEqual([
      'id',
      'topic',
      'partition',
      'offset',
      'key',
      'value',
      'reason',
      'at',
    ]);
    expect(lines[1].key).toBe('aw==');
  });
});
