import { request as httpRequest } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { type CallerLimits, callerLimitMessage } from '#core/contract/index.ts';
import { deviceKey } from '#core/items/keys.ts';
import { silentLog } from '#core/log.ts';
import { createLookupApi } from '#lambda/lookup-api/app.ts';
import { createTables, localTableNames } from '#scripts/local/tables.ts';
import { type ApiServer, startApiServer } from '#scripts/shared/api-gateway-http.ts';
import { createCallerLimiter } from '#scripts/shared/caller-limits.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

// Issue 25: one caller floods the local API (lookup API on the local server, DynamoDB Local behind it) and gets 429s
// with the reason, as WAF's rate-based rules answer in AWS, while another caller (another source address: the server
// listens on 127.0.0.1, a client can connect from 127.0.0.2) is unaffected. The window is a fake clock.
const LIMITS: CallerLimits = { requestsPerWindow: 40, unfilteredListingsPerWindow: 10, windowSeconds: 60 };
const names = localTableNames(uniquePrefix('limits'));
let db: DynamoDBDocumentClient;
let server: ApiServer;
let clock = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Reply {
  readonly status: number;
  readonly body: { error?: string; items?: unknown[] };
}

/** One GET from `from` (the client's source address), a new connection each time. */
const get = (path: string, from = '127.0.0.1'): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, path, localAddress: from, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });

const statuses = async (count: number, path: string, from?: string): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await get(path, from)).status);
  return out;
};

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  await createTables(localDynamoDb(endpoint), names);
  db = createDocumentClient(endpoint);
  await db.send(
    new PutCommand({
      TableName: names.state,
      Item: {
        ...deviceKey('d01'),
        deviceId: 'd01',
        model: 'EVG2000',
        status: 'down',
        version: 1,
      },
    }),
  );
  server = await startApiServer(createLookupApi({ db, tables: names, now: () => clock }, silentLog), {
    port: 0,
    callerLimits: createCallerLimiter(LIMITS, () => clock),
  });
});

afterAll(async () => {
  await server?.close();
});

describe('per-caller limits on the local API server', () => {
  it('answers the 11th unfiltered listing of one caller with 429 and the reason; filtered listings still pass', async () => {
    expect(await statuses(10, '/devices', '127.0.0.3')).toEqual(Array(10).fill(200));
    const refused = await get('/devices', '127.0.0.3');
    expect(refused).toEqual({
      status: 429,
      body: { error: callerLimitMessage('unfilteredListings', LIMITS) },
    });
    expect((await get('/devices?status=down', '127.0.0.3')).status).toBe(200);
    expect((await get('/devices?model=EVG2000&limit=5', '127.0.0.3')).status).toBe(200);
  });

  it('floods from one caller: exactly the limit passes, the rest get 429, another caller is unaffected', async () => {
    const flood = await statuses(100, '/health', '127.0.0.1');
    expect(flood.filter((s) => s === 200)).toHaveLength(LIMITS.requestsPerWindow);
    expect(flood.slice(LIMITS.requestsPerWindow)).toEqual(Array(100 - LIMITS.requestsPerWindow).fill(429));
    const refused = await get('/fleet', '127.0.0.1');
    expect(refused).toEqual({ status: 429, body: { error: callerLimitMessage('requests', LIMITS) } });
    // The other caller, during the flood:
    expect(await statuses(5, '/health', '127.0.0.2')).toEqual(Array(5).fill(200));
    const listing = await get('/devices', '127.0.0.2');
    expect(listing.status).toBe(200);
    expect(listing.body.items).toHaveLength(1);
  });

  it('lets the flooding caller back in once its window has passed', async () => {
    expect((await get('/health', '127.0.0.1')).status).toBe(429);
    clock += (LIMITS.windowSeconds + 1) * 1000;
    expect((await get('/health', '127.0.0.1')).status).toBe(200);
  });
});
