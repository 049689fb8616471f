/**
 * The ingest route's idempotency store on DynamoDB Local: the conditions that make a key claimable once, replay a
 * completed answer, refuse another body, hold an in-progress claim until its lock lapses, and forget a key after the
 * window (before TTL has removed the item).
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { dynamoIdempotencyStore } from '#adapters/idempotency-store.ts';
import {
  IDEMPOTENCY_IN_PROGRESS_SECONDS,
  IDEMPOTENCY_TABLE,
  IDEMPOTENCY_WINDOW_SECONDS,
} from '#core/contract/index.ts';
import { tableDefinition } from '#scripts/local/tables.ts';
import { localDynamoDb, uniquePrefix } from '#test/support/local-aws.ts';

const endpoint = inject('dynamodbEndpoint');
const T0 = Date.parse('2026-12-06T00:00:00Z');
const answer = { statusCode: 200, body: '{"accepted":2}' };

const store = async () => {
  const table = uniquePrefix('idem');
  await localDynamoDb(endpoint).send(new CreateTableCommand(tableDefinition(table, IDEMPOTENCY_TABLE)));
  return dynamoIdempotencyStore(createDocumentClient(endpoint), table);
};

describe('DynamoDB idempotency store', () => {
  it('claims once, replays the stored answer, refuses another body', async () => {
    const s = await store();
    expect(await s.claim('k', 'body-a', T0)).toEqual({ kind: 'claimed' });
    expect(await s.claim('k', 'body-a', T0 + 10)).toEqual({ kind: 'in-progress' });
    await s.complete('k', 'body-a', answer, T0 + 20);
    expect(await s.claim('k', 'body-a', T0 + 30)).toEqual({ kind: 'replay', answer });
    expect(await s.claim('k', 'body-b', T0 + 30)).toEqual({ kind: 'mismatch' });
  });

  it('lets a released claim, a lapsed lock and an expired key be claimed again', async () => {
    const s = await store();
    await s.claim('released', 'b', T0);
    await s.release('released', 'b');
    expect(await s.claim('released', 'b', T0 + 1)).toEqual({ kind: 'claimed' });

    await s.claim('stuck', 'b', T0);
    expect(await s.claim('stuck', 'b', T0 + IDEMPOTENCY_IN_PROGRESS_SECONDS * 1000 - 1000)).toEqual({
      kind: 'in-progress',
    });
    expect(await s.claim('stuck', 'b', T0 + (IDEMPOTENCY_IN_PROGRESS_SECONDS + 2) * 1000)).toEqual({
      kind: 'claimed',
    });

    await s.claim('old', 'b', T0);
    await s.complete('old', 'b', answer, T0);
    expect(await s.claim('old', 'b', T0 + (IDEMPOTENCY_WINDOW_SECONDS + 2) * 1000)).toEqual({
      kind: 'claimed',
    });
  });

  it('never lets a late answer or release overwrite a newer claim of the same key', async () => {
    const s = await store();
    await s.claim('k', 'first', T0);
    await s.complete('k', 'first', answer, T0);
    // An expired, re-claimed key: the stale request's release and answer must not touch the new claim.
    await s.claim('k', 'second', T0 + (IDEMPOTENCY_WINDOW_SECONDS + 2) * 1000);
    await s.release('k', 'first');
    await s.complete('k', 'first', { statusCode: 200, body: '{"accepted":9}' }, T0);
    expect(await s.claim('k', 'second', T0 + (IDEMPOTENCY_WINDOW_SECONDS + 3) * 1000)).toEqual({
      kind: 'in-progress',
    });
  });
});
