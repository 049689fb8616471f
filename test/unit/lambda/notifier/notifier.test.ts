import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { silentLog } from '#core/log.ts';
import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertItem } from '#core/items/alert.ts';
import { alertFromImage, formatAlert } from '#lambda/notifier/format.ts';
import { createNotifier } from '#lambda/notifier/notifier.ts';
import { boundedMessage, MAX_MESSAGE_BYTES, snsSafe } from '#lambda/notifier/sns-text.ts';

const alert = (n: number, overrides: Partial<AlertItem> = {}): AlertItem => ({
  deviceId: `dvc${n}`,
  alertKey: `2026-11-21T10:15:30.123Z#a${n}`,
  alertId: `a${n}`,
  ruleId: 'vip-modem-down',
  severity: 'critical',
  message: "Platinum customer's modem went down",
  at: '2026-11-21T10:15:30.123Z',
  day: '2026-11-21',
  model: 'EVG2000',
  registry: { tier: 'platinum', customer: 'ACME' },
  field: 'interfacestatus',
  value: 'down',
  topic: 'modem-telemetry',
  partition: 2,
  offset: 41 + n,
  ...overrides,
});

const streamRecord = (
  item: object,
  eventName: DynamoDBRecord['eventName'] = 'INSERT',
  seq = '100',
): DynamoDBRecord => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: seq,
    NewImage: marshall(item, { removeUndefinedValues: true }) as NonNullable<
      DynamoDBRecord['dynamodb']
    >['NewImage'],
  },
});

const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe('formatAlert', () => {
  it('gives a readable subject and message and the filterable attributes', () => {
    const formatted = formatAlert(alert(1));
    expect(formatted.subject).toBe('[CRITICAL] vip-modem-down on dvc1 (EVG2000)');
    expect(formatted.message.split('\n')).toEqual([
      '[CRITICAL] vip-modem-down on dvc1 (EVG2000)',
      "Platinum customer's modem went down",
      'interfacestatus = down at 2026-11-21T10:15:30.123Z',
      'Registry: tier=platinum, customer=ACME',
      'Alert a1 from modem-telemetry-2 offset 42',
    ]);
    expect(formatted.attributes).toEqual({
      state: 'firing',
      severity: 'critical',
      model: 'EVG2000',
      ruleId: 'vip-modem-down',
      deviceId: 'dvc1',
    });
  });

  it('says when an alert resolved, in the subject and the state attribute', () => {
    const formatted = formatAlert(alert(1), 'resolved');
    expect(formatted.subject).toBe('[RESOLVED CRITICAL] vip-modem-down on dvc1 (EVG2000)');
    expect(formatted.attributes.state).toBe('resolved');
  });

  it('keeps the subject within SNS limits (ASCII, one line, < 100 chars) and drops empty attributes', () => {
    const formatted = formatAlert(alert(1, { deviceId: `модем\n${'x'.repeat(200)}`, model: '' }));
    expect(formatted.subject.length).toBeLessThan(100);
    expect(formatted.subject).toMatch(/^[\x20-\x7E]+$/);
    expect(formatted.attributes).not.toHaveProperty('model');
  });
});

describe('alertFromImage', () => {
  it('reads a marshalled alert', () => {
    expect(alertFromImage(marshall(alert(3)))).toEqual(alert(3));
  });

  it('names what is missing from an image that is not an alert', () => {
    expect(() => alertFromImage(marshall({ deviceId: 'd', ruleId: 'r' }))).toThrow(
      'stream image is not an alert: missing alertId, severity, at',
    );
  });
});

describe('createNotifier', () => {
  const sns = mockClient(SNSClient);
  const log = vi.fn();
  const counted = new Map<string, number>();
  const notify = createNotifier({
    sns: new SNSClient({ region: 'us-east-1' }),
    topicArn: 'arn:aws:sns:x:1:alerts',
    log: { ...silentLog, error: log },
    metrics: { add: (name, n) => counted.set(name, (counted.get(name) ?? 0) + n), flush: () => {} },
  });
  const snsError = (name: string, message: string) => Object.assign(new Error(message), { name });

  beforeEach(() => {
    sns.reset();
    log.mockReset();
    counted.clear();
  });

  it('skips and counts an alert SNS refuses as invalid, and goes on with the next', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(snsError('InvalidParameterException', 'Invalid parameter: Message too long'))
      .resolves({ MessageId: 'm' });
    const result = await notify(
      streamEvent(streamRecord(alert(1), 'INSERT', '1'), streamRecord(alert(2), 'INSERT', '2')),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(counted).toEqual(
      new Map([
        ['NotificationsSent', 1],
        ['NotificationsFailed', 1],
        ['NotificationsMuted', 0],
        ['DigestsSent', 0],
      ]),
    );
    expect(log).toHaveBeenCalledWith(
      'SNS refused the alert as invalid; skipping it (not retried)',
      expect.objectContaining({ alertId: 'a1', sequenceNumber: '1' }),
    );
  });

  it.each([
    'ThrottledException',
    'InternalErrorException',
    'KMSThrottlingException',
    'AuthorizationErrorException',
  ])('retries from the record on %s (transient, or fixable by an operator)', async (name) => {
    sns.on(PublishCommand).rejects(snsError(name, 'try again'));
    const result = await notify(streamEvent(streamRecord(alert(1), 'INSERT', '7')));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(counted.get('NotificationsFailed')).toBe(0);
  });

  it('publishes a huge alert cut to the message bound, with SNS-safe attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const registry = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`a${i}`, '€'.repeat(300)]));
    await notify(streamEvent(streamRecord(alert(1, { registry, model: 'EVG\u0000\ud800' }), 'INSERT', '1')));
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(Buffer.byteLength(input?.Message ?? '', 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(input?.Message).toMatch(/\[truncated: \d+ bytes\]$/);
    expect(input?.MessageAttributes?.model?.StringValue).toBe('EVG\uFFFD\uFFFD');
  });

  it('publishes each inserted alert with severity/model/ruleId message attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const result = await notify(
      streamEvent(streamRecord(alert(1), 'INSERT', '1'), streamRecord(alert(2), 'INSERT', '2')),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedNthCommandWith(PublishCommand, 1, {
      TopicArn: 'arn:aws:sns:x:1:alerts',
      Subject: '[CRITICAL] vip-modem-down on dvc1 (EVG2000)',
      Message: expect.stringContaining("Platinum customer's modem went down"),
      MessageAttributes: {
        state: { DataType: 'String', StringValue: 'firing' },
        severity: { DataType: 'String', StringValue: 'critical' },
        model: { DataType: 'String', StringValue: 'EVG2000' },
        ruleId: { DataType: 'String', StringValue: 'vip-modem-down' },
        deviceId: { DataType: 'String', StringValue: 'dvc1' },
      },
    });
  });

  it('ignores REMOVE and MODIFY records, except a MODIFY that resolves the episode (notified as resolved)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const result = await notify(
      streamEvent(
        streamRecord(alert(1), 'MODIFY', '1'),
        streamRecord({ ...alert(2), state: 'firing' }, 'MODIFY', '2'),
        { eventName: 'REMOVE', dynamodb: { SequenceNumber: '3' } },
        streamRecord({ ...alert(4), state: 'resolved', endsAt: '2026-11-21T10:20:00.000Z' }, 'MODIFY', '4'),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: '[RESOLVED CRITICAL] vip-modem-down on dvc4 (EVG2000)',
      MessageAttributes: expect.objectContaining({ state: { DataType: 'String', StringValue: 'resolved' } }),
    });
  });

  it('reports the first failed record and publishes nothing after it', async () => {
    sns
      .on(PublishCommand)
      .resolvesOnce({ MessageId: '1' })
      .rejectsOnce(new Error('Throttling'))
      .resolves({ MessageId: 'later' });
    const result = await notify(
      streamEvent(
        streamRecord(alert(1), 'INSERT', '11'),
        streamRecord(alert(2), 'INSERT', '12'),
        streamRecord(alert(3), 'INSERT', '13'),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '12' }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('SNS publish failed'), expect.anything());
  });

  it('logs and skips an image that is not an alert instead of blocking the shard', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const result = await notify(
      streamEvent(streamRecord({ deviceId: 'd' }, 'INSERT', '1'), streamRecord(alert(2), 'INSERT', '2')),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(log).toHaveBeenCalledWith(
      'skipping a stream record that is not an alert',
      expect.objectContaining({ reason: expect.stringContaining('missing alertId') }),
    );
  });
});

describe('boundedMessage', () => {
  // Any text, including astral characters and unpaired surrogates, at any bound: within the bound, well-formed,
  // unchanged when it fits, and otherwise a prefix of the safe text plus the marker.
  it('bounds any text by UTF-8 bytes without splitting a character', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\u0007'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
          maxLength: 400,
          size: 'max',
        }),
        fc.integer({ min: 40, max: 1200 }),
        (text, maxBytes) => {
          const bounded = boundedMessage(text, maxBytes);
          expect(Buffer.byteLength(bounded, 'utf8')).toBeLessThanOrEqual(maxBytes);
          expect(/\p{Cs}/u.test(bounded)).toBe(false);
          const safe = snsSafe(text);
          if (Buffer.byteLength(safe, 'utf8') <= maxBytes) expect(bounded).toBe(safe);
          else {
            const [kept = ''] = bounded.split('\n… [truncated: ');
            expect(safe.startsWith(kept)).toBe(true);
            expect(bounded.endsWith(`[truncated: ${Buffer.byteLength(safe, 'utf8')} bytes]`)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
