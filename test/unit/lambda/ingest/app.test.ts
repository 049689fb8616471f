import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProducedRecord } from '#adapters/ingest-producer.ts';
import { IDEMPOTENCY_IN_PROGRESS_SECONDS, IDEMPOTENCY_WINDOW_SECONDS } from '#core/contract/index.ts';
import { bodyFingerprint, idempotencyId } from '#core/idempotency.ts';
import { silentLog } from '#core/log.ts';
import { createIngestApi } from '#lambda/ingest/app.ts';
import { memoryIdempotencyStore } from '#test/support/memory-idempotency.ts';

const event = (
  body: string | null,
  headers: Record<string, string> = {},
  method = 'POST',
  path = '/ingest',
): APIGatewayProxyEvent =>
  ({
    path,
    httpMethod: method,
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'r', identity: { userArn: 'arn:aws:iam::1:role/gw' } },
  }) as unknown as APIGatewayProxyEvent;

const setup = (fail: () => boolean = () => false) => {
  const sent: ProducedRecord[][] = [];
  const logs: string[] = [];
  let now = Date.parse('2026-12-06T00:00:00Z');
  const idempotency = memoryIdempotencyStore();
  const api = createIngestApi({
    produce: async (records) => {
      if (fail()) throw new Error('broker down');
      sent.push([...records]);
    },
    idempotency,
    now: () => now,
    log: { ...silentLog, error: (message: string) => logs.push(message) },
  });
  return { api, sent, logs, idempotency, advance: (ms: number) => (now += ms) };
};

const batch = '[{"deviceid":"a","cpuusage":1},{"deviceid":"b","cpuusage":2}]';

describe('POST /ingest', () => {
  it('produces the records and answers after the send resolved', async () => {
    const { api, sent } = setup();
    const res = await api(event(batch));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ accepted: 2 });
    expect(sent).toEqual([
      [
        { value: '{"deviceid":"a","cpuusage":1}', key: 'a' },
        { value: '{"deviceid":"b","cpuusage":2}', key: 'b' },
      ],
    ]);
  });

  it('replays the first answer for a retried Idempotency-Key and produces once', async () => {
    const { api, sent } = setup();
    const first = await api(event(batch, { 'Idempotency-Key': 'k-1' }));
    const retry = await api(event(batch, { 'idempotency-key': 'k-1' }));
    expect(retry.statusCode).toBe(first.statusCode);
    expect(retry.body).toBe(first.body);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(sent).toHaveLength(1);
  });

  it('produces again once the window has passed, and scopes keys by caller', async () => {
    const { api, sent, advance } = setup();
    await api(event(batch, { 'idempotency-key': 'k' }));
    advance(IDEMPOTENCY_WINDOW_SECONDS * 1000 + 1);
    await api(event(batch, { 'idempotency-key': 'k' }));
    expect(sent).toHaveLength(2);
    const other = event(batch, { 'idempotency-key': 'k' });
    (other.requestContext.identity as { userArn: string }).userArn = 'arn:aws:iam::2:role/other';
    await api(other);
    expect(sent).toHaveLength(3);
  });

  it('refuses a key reused with a different body (422) and a key still in progress (409) until its lock lapses', async () => {
    const { api, idempotency, advance, sent } = setup();
    await api(event(batch, { 'idempotency-key': 'k' }));
    expect((await api(event('{"deviceid":"c"}', { 'idempotency-key': 'k' }))).statusCode).toBe(422);
    // A first request that claimed its key and never answered (its function timed out).
    const id = idempotencyId('arn:aws:iam::1:role/gw', 'k2');
    await idempotency.claim(id, bodyFingerprint(batch), Date.parse('2026-12-06T00:00:00Z'));
    expect((await api(event(batch, { 'idempotency-key': 'k2' }))).statusCode).toBe(409);
    advance(IDEMPOTENCY_IN_PROGRESS_SECONDS * 1000 + 1);
    expect((await api(event(batch, { 'idempotency-key': 'k2' }))).statusCode).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it('answers 503 when Kafka does not acknowledge, and a retry with the key produces then', async () => {
    let down = true;
    const { api, sent, logs } = setup(() => down);
    const failed = await api(event(batch, { 'idempotency-key': 'k' }));
    expect(failed.statusCode).toBe(503);
    expect(logs).toEqual(['ingest: batch not written']);
    down = false;
    expect((await api(event(batch, { 'idempotency-key': 'k' }))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it.each([
    [event(batch, {}, 'GET'), 405],
    [event(batch, {}, 'POST', '/ingest/x'), 404],
    [event(batch, { 'idempotency-key': '' }), 400],
    [event(batch, { 'idempotency-key': 'é' }), 400],
    [event('[{"a":1}, 2]'), 400],
    [event(null), 400],
  ])('refuses a bad request without producing or claiming (%#)', async (request, status) => {
    const { api, sent, idempotency } = setup();
    expect((await api(request)).statusCode).toBe(status);
    expect(sent).toEqual([]);
    expect(idempotency.entries.size).toBe(0);
  });

  it('never answers 500 and produces nothing unless it answers 200, whatever the client sends (property)', async () => {
    const header = fc.record(
      { 'idempotency-key': fc.oneof(fc.string(), fc.constant('k')) },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(fc.jsonValue()).map((v) => JSON.stringify(v)),
      fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc.constant(null),
    );
    const method = fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'PATCH');
    await fc.assert(
      fc.asyncProperty(body, header, method, async (b, h, m) => {
        const { api, sent } = setup();
        const res = await api(event(b, h, m));
        expect(res.statusCode).not.toBe(500);
        expect([200, 400, 405, 413]).toContain(res.statusCode);
        expect(sent.length).toBe(res.statusCode === 200 ? 1 : 0);
        expect(() => JSON.parse(res.body)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
