/**
 * Every SDK client the functions create has explicit retries and timeouts (issue 25): the bounded strategy (standard
 * rules, no retry quota), connection and request timeouts that throw, and a worst case well under the timeouts of
 * the functions that call them. Exercised against a loopback HTTP server that answers 500, or hangs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createFirehoseClient } from '#adapters/dead-letter-firehose.ts';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { sdkClientConfig } from '#adapters/sdk-client-config.ts';
import { BoundedRetryStrategy, type RetryToken } from '#adapters/sdk-retry.ts';
import { createSnsClient } from '#adapters/sns-client.ts';
import {
  LOCAL_REQUEST_TIMEOUT_MS,
  SDK_CLIENT_SETTINGS,
  worstCaseCallMs,
} from '#core/contract/sdk-clients.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback "DynamoDB" whose n-th request (0-based) is answered by `answer`. */
const fakeDynamoDb = async (answer: (n: number) => 'ok' | '500' | 'hang') => {
  let requests = 0;
  const server = createServer((req, res) => {
    const n = requests++;
    req.resume();
    req.on('end', () => {
      const kind = answer(n);
      if (kind === 'hang') return;
      res.writeHead(kind === 'ok' ? 200 : 500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        kind === 'ok'
          ? '{}'
          : '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}',
      );
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
  };
};

const get = new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } });

describe('SDK clients: explicit retries and timeouts', () => {
  it('gives the DynamoDB, Firehose and SNS clients the bounded strategy, attempts and throwing timeouts', async () => {
    const clients = [
      ['dynamodb', createDocumentClient('')], // '' = AWS (no local endpoint)
      ['firehose', createFirehoseClient()],
      ['sns', createSnsClient()],
    ] as const;
    for (const [service, client] of clients) {
      const settings = SDK_CLIENT_SETTINGS[service];
      expect(await client.config.retryStrategy()).toBeInstanceOf(BoundedRetryStrategy);
      expect(await client.config.maxAttempts()).toBe(settings.maxAttempts);
      const handler = client.config.requestHandler as unknown as {
        configProvider: Promise<Record<string, unknown>>;
      };
      expect(await handler.configProvider).toMatchObject({
        connectionTimeout: settings.connectionTimeoutMs,
        requestTimeout: settings.requestTimeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: settings.requestTimeoutMs,
      });
    }
    // DynamoDB Local (npm start, tests, bench) may take seconds per transaction on a loaded laptop.
    const local = createDocumentClient('http://127.0.0.1:1').config.requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };
    expect(await local.configProvider).toMatchObject({ requestTimeout: LOCAL_REQUEST_TIMEOUT_MS });
  });

  it("keeps every call under its callers' timeouts even when every attempt hangs", () => {
    // DynamoDB: the processor (120 s), the lookup API (30 s, behind API Gateway's 29 s) and the notifier (30 s).
    expect(worstCaseCallMs(SDK_CLIENT_SETTINGS.dynamodb)).toBe(24_000);
    // Firehose: the processor only; SNS: the notifier (30 s).
    expect(worstCaseCallMs(SDK_CLIENT_SETTINGS.firehose)).toBe(42_000);
    expect(worstCaseCallMs(SDK_CLIENT_SETTINGS.sns)).toBe(22_000);
  });

  it('retries a DynamoDB 500 up to maxAttempts, then fails the call', async () => {
    const server = await fakeDynamoDb(() => '500');
    const client = createDocumentClient(server.endpoint);
    await expect(client.send(get)).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(server.requests()).toBe(SDK_CLIENT_SETTINGS.dynamodb.maxAttempts);
  });

  it('spends no retry quota: hundreds of 500s across calls still leave every call its full budget', async () => {
    // Two of every three requests fail: each call retries twice. The standard strategy's quota (500 tokens, 14 per
    // retry, only the last retry's 14 back on success) is empty after ~36 such calls; from then on calls fail.
    const pattern = (n: number) => (n % 3 === 2 ? 'ok' : '500');
    const server = await fakeDynamoDb(pattern);
    const client = createDocumentClient(server.endpoint);
    for (let i = 0; i < 120; i++) await client.send(get);
    expect(server.requests()).toBe(360);

    const standard = await fakeDynamoDb(pattern);
    const sdkDefault = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: standard.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: SDK_CLIENT_SETTINGS.dynamodb.maxAttempts,
        retryMode: 'standard',
      }),
    );
    let failed = 0;
    for (let i = 0; i < 120; i++) await sdkDefault.send(get).catch(() => failed++);
    expect(failed).toBeGreaterThan(0);
  }, 60_000);

  it('abandons a hung request after requestTimeout and retries it', async () => {
    const server = await fakeDynamoDb((n) => (n === 0 ? 'hang' : 'ok'));
    // The AWS settings (createDocumentClient gives a local endpoint LOCAL_REQUEST_TIMEOUT_MS).
    const client = new DynamoDBClient({
      ...sdkClientConfig('dynamodb'),
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const started = Date.now();
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    const took = Date.now() - started;
    expect(server.requests()).toBe(2);
    expect(took).toBeGreaterThanOrEqual(SDK_CLIENT_SETTINGS.dynamodb.requestTimeoutMs - 100);
    expect(took).toBeLessThan(SDK_CLIENT_SETTINGS.dynamodb.requestTimeoutMs + 5_000);
  }, 20_000);
});

describe('BoundedRetryStrategy', () => {
  const settings = SDK_CLIENT_SETTINGS.dynamodb;
  const strategy = new BoundedRetryStrategy(settings, () => 0.999);
  const retry = (
    token: RetryToken,
    errorType: 'TRANSIENT' | 'THROTTLING' | 'CLIENT_ERROR' | 'SERVER_ERROR',
  ) => strategy.refreshRetryTokenForRetry(token, { errorType });

  it('retries throttling and transient errors with capped, growing backoff; refuses client errors', async () => {
    let token = await strategy.acquireInitialRetryToken('');
    const delays: number[] = [];
    for (let i = 1; i < settings.maxAttempts; i++) {
      token = await retry(token, 'TRANSIENT');
      delays.push(token.getRetryDelay());
    }
    expect(delays).toEqual([49, 99, 199, 399]);
    await expect(retry(token, 'TRANSIENT')).rejects.toThrow('No retry token');
    const first = await strategy.acquireInitialRetryToken('');
    expect((await retry(first, 'THROTTLING')).getRetryDelay()).toBe(199);
    await expect(retry(first, 'CLIENT_ERROR')).rejects.toThrow('No retry token');
  });
});
