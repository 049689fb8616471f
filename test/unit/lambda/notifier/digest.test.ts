import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EpisodeItem } from '#core/alert-episode.ts';
import { silentLog } from '#core/log.ts';
import type { Mute } from '#core/operator.ts';
import { createNotifier } from '#lambda/notifier/notifier.ts';

const NOW = Date.UTC(2026, 10, 21, 10, 16, 0);
const MODELS = ['EVG2000', 'DG3450', 'TG1682'];

const alert = (n: number, overrides: Partial<EpisodeItem> = {}): EpisodeItem => ({
  deviceId: `dvc${String(n).padStart(4, '0')}`,
  alertKey: `2026-11-21T10:15:30.123Z#a${n}`,
  alertId: `a${n}`,
  ruleId: 'modem-down',
  severity: 'critical',
  message: 'modem went down',
  at: '2026-11-21T10:15:30.123Z',
  day: '2026-11-21',
  model: MODELS[n % MODELS.length] as string,
  registry: null,
  field: 'interfacestatus',
  value: 'down',
  topic: 'modem-telemetry',
  partition: n % 6,
  offset: n,
  ...overrides,
});

const insert = (item: object, seq: number): DynamoDBRecord => ({
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: String(seq),
    NewImage: marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
  },
});

/** Lambda hands a shard's records over in deliveries of at most `batchSize`, in order. */
const deliveries = (records: DynamoDBRecord[], batchSize: number): DynamoDBStreamEvent[] => {
  const events: DynamoDBStreamEvent[] = [];
  for (let i = 0; i < records.length; i += batchSize)
    events.push({ Records: records.slice(i, i + batchSize) });
  return events;
};

describe('notifier digests', () => {
  const sns = mockClient(SNSClient);
  const counted = new Map<string, number>();
  let mutes: Mute[] = [];
  const notify = createNotifier({
    sns: new SNSClient({ region: 'us-east-1' }),
    topicArn: 'arn:aws:sns:x:1:alerts',
    log: silentLog,
    metrics: { add: (name, n) => counted.set(name, (counted.get(name) ?? 0) + n), flush: () => {} },
    mutes: async () => mutes,
    clock: () => NOW,
  });

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    counted.clear();
    mutes = [];
  });

  it('500 devices going down within seconds: one digest per delivery for the rule, not 500 messages', async () => {
    const records = Array.from({ length: 500 }, (_, n) => insert(alert(n), 1000 + n));
    // With the construct's defaults (batch 1,000, 30 s window) the 500 arrive together; even in deliveries of 100
    // (the local runtime's) it stays a handful.
    for (const batchSize of [1000, 100]) {
      sns.resetHistory();
      for (const event of deliveries(records, batchSize))
        expect(await notify(event)).toEqual({ batchItemFailures: [] });
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, Math.ceil(500 / batchSize));
    }
    const [first] = sns.commandCalls(PublishCommand);
    const input = first?.args[0].input;
    expect(input?.Subject).toBe('[CRITICAL] modem-down: 100 alerts firing');
    expect(input?.Message?.split('\n')).toEqual([
      '[CRITICAL] modem-down: 100 alerts firing',
      'By model: EVG2000 34, DG3450 33, TG1682 33',
      `Devices (first 20 of 100): ${Array.from({ length: 20 }, (_, n) => `dvc${String(n).padStart(4, '0')}`).join(', ')}`,
      'Each alert stays queryable: GET /alerts?state=firing',
    ]);
    expect(input?.MessageAttributes).toEqual({
      ruleId: { DataType: 'String', StringValue: 'modem-down' },
      severity: { DataType: 'String', StringValue: 'critical' },
      state: { DataType: 'String', StringValue: 'firing' },
      digest: { DataType: 'String', StringValue: '100' },
    });
  });

  it('up to the threshold each alert is its own message; the model attribute is set on a single-model digest', async () => {
    const ten = Array.from({ length: 10 }, (_, n) => insert(alert(n), n));
    await notify({ Records: ten });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 10);
    sns.resetHistory();
    const elevenOneModel = Array.from({ length: 11 }, (_, n) => insert(alert(n, { model: 'EVG2000' }), n));
    const otherRule = insert(alert(99, { ruleId: 'cpu-high' }), 99);
    await notify({ Records: [...elevenOneModel, otherRule] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedNthCommandWith(PublishCommand, 1, {
      Subject: '[CRITICAL] modem-down: 11 alerts firing',
      MessageAttributes: expect.objectContaining({ model: { DataType: 'String', StringValue: 'EVG2000' } }),
    });
    expect(sns).toHaveReceivedNthCommandWith(PublishCommand, 2, {
      Subject: '[CRITICAL] cpu-high on dvc0099 (EVG2000)',
    });
  });

  it('holds back what an active mute covers (counted, not published)', async () => {
    mutes = [
      {
        muteId: 'maint',
        target: { model: 'EVG2000' },
        until: '2026-11-21T11:00:00.000Z',
        createdBy: 'ops',
        updatedAt: '2026-11-21T10:00:00.000Z',
      },
      {
        muteId: 'old',
        target: { model: 'DG3450' },
        until: '2026-11-21T10:00:00.000Z',
        createdBy: 'ops',
        updatedAt: '2026-11-21T09:00:00.000Z',
      },
    ];
    await notify({ Records: [0, 1, 2].map((n) => insert(alert(n), n)) });
    // Models by n % 3: 0 EVG2000 (muted), 1 DG3450 (its mute expired), 2 TG1682.
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(counted.get('NotificationsMuted')).toBe(1);
    expect(
      sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.model?.StringValue),
    ).toEqual(['DG3450', 'TG1682']);
  });

  it('retries from the earliest record not yet published when a publish fails', async () => {
    sns
      .on(PublishCommand)
      .resolvesOnce({ MessageId: '1' })
      .rejectsOnce(new Error('Throttling'))
      .resolves({ MessageId: 'later' });
    // Record 0: cpu-high (single); 1-11: modem-down (digest, first at 1); 12: cpu-high again (single, same group as 0).
    const records = [
      insert(alert(100, { ruleId: 'cpu-high' }), 0),
      ...Array.from({ length: 11 }, (_, n) => insert(alert(n), n + 1)),
      insert(alert(101, { ruleId: 'cpu-high' }), 12),
    ];
    const result = await notify({ Records: records });
    // Published: the single for record 0; the digest (first record 1) failed: retry from record 1.
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
  });
});
