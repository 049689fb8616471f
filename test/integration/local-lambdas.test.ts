import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLocalBundles, type LocalBundles } from '#scripts/local/bundles.ts';
import { functionEnvironment, functionSettings } from '#scripts/local/functions.ts';
import { startLambdaHost } from '#scripts/local/lambda-host.ts';
import { type FirehoseStandIn, startFirehoseStandIn } from '#scripts/local/stand-ins/firehose.ts';
import { type PublishedMessage, type SnsStandIn, startSnsStandIn } from '#scripts/local/stand-ins/sns.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

// The local runtime's pieces that stand in for Lambda and AWS: the stand-ins are driven by the real SDK clients, the
// host runs the real deploy bundles with only their own environment.

const projectRoot = resolve(import.meta.dirname, '../..');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:fleetstream-alerts';
const client = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
let dir: string;
let firehose: FirehoseStandIn;
let sns: SnsStandIn;
let bundles: LocalBundles;
const printed: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-lambdas-'));
  firehose = await startFirehoseStandIn({
    datalakeDir: join(dir, 'datalake'),
    streams: new Map([['dead-letters', 'dead-letter']]),
    clock: () => Date.UTC(2026, 10, 21, 10, 15),
  });
  sns = await startSnsStandIn({
    topicArn: TOPIC_ARN,
    file: join(dir, 'alerts.jsonl'),
    print: (l) => printed.push(l),
  });
  bundles = await buildLocalBundles(projectRoot);
});
afterAll(async () => {
  await Promise.all([firehose?.stop(), sns?.stop(), bundles?.remove()]);
  await rm(dir, { recursive: true, force: true });
});

const errorName = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: Error) => error.name,
  );

const alertsFile = async (): Promise<PublishedMessage[]> =>
  (await readFile(join(dir, 'alerts.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PublishedMessage);

describe('Firehose stand-in (PutRecordBatch, AWS JSON 1.1)', () => {
  it('appends the records as sent under <prefix>/year=…/hour=… and refuses unknown streams and operations', async () => {
    const sdk = new FirehoseClient({ ...client, endpoint: firehose.url });
    const lines = ['{"offset":1}\n', '{"offset":2}\n', '{"offset":3}\n'];
    const out = await sdk.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'dead-letters',
        Records: lines.map((l) => ({ Data: Buffer.from(l) })),
      }),
    );
    expect(out.FailedPutCount).toBe(0);
    expect(out.RequestResponses).toHaveLength(3);
    const hourDir = join(dir, 'datalake', 'dead-letter', 'year=2026', 'month=11', 'day=21', 'hour=10');
    const files = await readdir(hourDir);
    expect(files).toHaveLength(1);
    expect(await readFile(join(hourDir, files[0] ?? ''), 'utf8')).toBe(lines.join(''));
    expect(firehose.records).toBe(3);

    expect(
      await errorName(
        sdk.send(
          new PutRecordBatchCommand({ DeliveryStreamName: 'nope', Records: [{ Data: Buffer.from('x') }] }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorName(
        sdk.send(
          new PutRecordCommand({ DeliveryStreamName: 'dead-letters', Record: { Data: Buffer.from('x') } }),
        ),
      ),
    ).toBe('UnknownOperationException');
    expect(firehose.records).toBe(3);
    sdk.destroy();
  });
});

describe('Firehose stand-in keeps every byte', () => {
  it('for any records and batches, the files hold exactly what was sent, in order (generated inputs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (batches) => {
          const lake = await mkdtemp(join(dir, 'lake-'));
          const standIn = await startFirehoseStandIn({ datalakeDir: lake, streams: new Map([['s', 'p']]) });
          const sdk = new FirehoseClient({ ...client, endpoint: standIn.url });
          try {
            for (const records of batches) {
              await sdk.send(
                new PutRecordBatchCommand({
                  DeliveryStreamName: 's',
                  Records: records.map((Data) => ({ Data })),
                }),
              );
            }
            const files = (await readdir(join(lake, 'p'), { recursive: true, withFileTypes: true })).filter(
              (e) => e.isFile(),
            );
            const written = Buffer.concat(
              await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name)))),
            );
            expect(written.equals(Buffer.concat(batches.flat()))).toBe(true);
            expect(standIn.records).toBe(batches.flat().length);
          } finally {
            sdk.destroy();
            await standIn.stop();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('SNS stand-in (Publish, AWS query protocol)', () => {
  it('prints and records each message with its attributes, and refuses another topic', async () => {
    const sdk = new SNSClient({ ...client, endpoint: sns.url });
    const out = await sdk.send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Subject: '[CRITICAL] modem-down on dvc1',
        Message: 'line one\nline two & <more>',
        // Parsed, so `__proto__` is an own attribute name (a literal would set the prototype instead).
        MessageAttributes: JSON.parse(
          '{"severity":{"DataType":"String","StringValue":"critical"},' +
            '"__proto__":{"DataType":"String","StringValue":"kept as a name"}}',
        ),
      }),
    );
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = await alertsFile();
    expect(message).toMatchObject({
      messageId: out.MessageId,
      topicArn: TOPIC_ARN,
      subject: '[CRITICAL] modem-down on dvc1',
      message: 'line one\nline two & <more>',
    });
    expect(Object.entries(message?.attributes ?? {})).toEqual([
      ['severity', 'critical'],
      ['__proto__', 'kept as a name'],
    ]);
    expect(printed).toContain('ALERT [CRITICAL] modem-down on dvc1');
    expect(
      await errorName(sdk.send(new PublishCommand({ TopicArn: `${TOPIC_ARN}-other`, Message: 'x' }))),
    ).toBe('NotFoundException');
    expect(sns.published).toBe(1);
    sdk.destroy();
  });
});

describe('Lambda host', () => {
  it("runs the notifier's deploy bundle with its own environment: a stream event becomes an SNS message", async () => {
    // The notifier reads mutes (the operator table) on DynamoDB Local.
    const dynamodb = inject('dynamodbEndpoint');
    const tables = localTableNames(uniquePrefix('notifier-host'));
    await createTables(localDynamoDb(dynamodb), tables);
    const environment = functionEnvironment(
      'notifier',
      functionSettings('notifier', {
        tables,
        deadLetterStream: 'dead-letters',
        alertTopicArn: TOPIC_ARN,
        windowRetentionDays: 7,
      }),
      { dynamodb, firehose: firehose.url, sns: sns.url },
    );
    const bundle = bundles.paths.get('notifier');
    if (bundle === undefined) throw new Error('no notifier bundle');
    const host = await startLambdaHost({
      name: 'notifier',
      bundle,
      environment,
      timeoutMs: 30_000,
      logFile: join(dir, 'logs', 'notifier.log'),
    });
    // The host process has no such variable: the bundle got it from its own environment only.
    expect(process.env.ALERT_TOPIC_ARN).toBeUndefined();
    const image = marshall({
      alertId: 'a-1',
      deviceId: 'dvc7',
      ruleId: 'modem-down',
      severity: 'critical',
      at: '2026-11-21T10:15:00.000Z',
      message: 'down',
      model: 'EVG2000',
    });
    const event = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: { NewImage: image, SequenceNumber: '100', SizeBytes: 10, StreamViewType: 'NEW_IMAGE' },
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/alerts/stream/1',
        },
      ],
    } as DynamoDBStreamEvent;
    expect(await host.invoke(event)).toEqual({ batchItemFailures: [] });
    expect((await alertsFile()).at(-1)).toMatchObject({
      subject: '[CRITICAL] modem-down on dvc7 (EVG2000)',
      attributes: { severity: 'critical', model: 'EVG2000', ruleId: 'modem-down', deviceId: 'dvc7' },
    });
    await host.stop();
  });

  it('fails to start a bundle that needs a module it does not contain (no node_modules above it)', async () => {
    const alone = join(dir, 'incomplete');
    await mkdir(alone, { recursive: true });
    const bundle = join(alone, 'index.mjs');
    await writeFile(
      bundle,
      "import '@aws-sdk/client-sns';\nexport const handler = async () => 'unreachable';\n",
    );
    const started = startLambdaHost({
      name: 'incomplete',
      bundle,
      environment: {},
      timeoutMs: 1_000,
      logFile: join(dir, 'logs', 'incomplete.log'),
    });
    await expect(started).rejects.toThrow(/failed to load: Cannot find package '@aws-sdk\/client-sns'/);
  });

  it("fails an invocation with the handler's error, times out like Lambda, then cold-starts a new container", async () => {
    const bundle = join(dir, 'errors', 'index.mjs');
    await mkdir(join(dir, 'errors'), { recursive: true });
    await writeFile(
      bundle,
      [
        'let invocations = 0;',
        'export const handler = async (event, context) => {',
        '  invocations++;',
        '  if (event.count) return { invocations, remainingMs: context.getRemainingTimeInMillis() };',
        "  if (event.wait) return new Promise((r) => setTimeout(() => r('late'), event.wait));",
        "  const error = new Error('bad event: ' + process.env.SETTING); error.name = 'BadEvent'; throw error;",
        '};',
      ].join('\n'),
    );
    const host = await startLambdaHost({
      name: 'errors',
      bundle,
      environment: { SETTING: 'from its env' },
      timeoutMs: 500,
      logFile: join(dir, 'logs', 'errors.log'),
    });
    await expect(host.invoke({})).rejects.toMatchObject({
      name: 'BadEvent',
      message: 'bad event: from its env',
    });
    await expect(host.invoke({ count: true })).resolves.toMatchObject({ invocations: 2 });
    await expect(host.invoke({ wait: 2_000 })).rejects.toThrow('Task timed out after 500 ms');
    // The timed-out container is gone: the next invocation runs in a fresh one (module state starts over).
    const fresh = (await host.invoke({ count: true })) as { invocations: number; remainingMs: number };
    expect(fresh.invocations).toBe(1);
    expect(fresh.remainingMs).toBeGreaterThan(0);
    expect(fresh.remainingMs).toBeLessThanOrEqual(500);
    await host.stop();
  });
});
