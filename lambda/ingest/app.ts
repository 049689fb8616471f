/**
 * `POST /ingest` as a function of an API Gateway REST (v1) proxy event, in three steps: read the request (method,
 * Idempotency-Key, body → records; a refused request touches neither the table nor Kafka), produce (once per key:
 * claim, send with acks=all, store the answer), answer. A client can cause 400/405/409/413/422, never a 500.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Produce } from '#adapters/ingest-producer.ts';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_RULE, INGEST_PATH } from '#core/contract/index.ts';
import { bodyFingerprint, type IdempotencyStore, idempotencyId } from '#core/idempotency.ts';
import type { Log } from '#core/log.ts';
import { type IngestRecord, parseIngestBody } from './body.ts';
import { bodyText, callerOf, errorResponse, headerValue, json } from './http.ts';

export interface IngestDeps {
  readonly produce: Produce;
  readonly idempotency: IdempotencyStore;
  readonly now: () => number;
  readonly log: Log;
}

type Request = {
  readonly records: readonly IngestRecord[];
  /** Present when the client sent an Idempotency-Key. */
  readonly key?: { readonly id: string; readonly fingerprint: string };
};

const REPLAYED = { 'idempotent-replayed': 'true' };

/** Step 1: the request as records, or the answer that refuses it. */
const readRequest = (event: APIGatewayProxyEvent): Request | APIGatewayProxyResult => {
  if (event.path !== INGEST_PATH) return errorResponse(404, `no route ${event.path}`);
  if (event.httpMethod !== 'POST')
    return errorResponse(405, `${event.httpMethod} not allowed on ${INGEST_PATH}`, { allow: 'POST' });
  const key = headerValue(event, IDEMPOTENCY_HEADER);
  if (key !== undefined && !IDEMPOTENCY_KEY_RULE.test(key))
    return errorResponse(400, 'Idempotency-Key must be 1–128 printable ASCII characters');
  const body = bodyText(event);
  const parsed = parseIngestBody(body);
  if (!parsed.ok) return errorResponse(parsed.status, parsed.reason);
  if (key === undefined) return { records: parsed.records };
  return {
    records: parsed.records,
    key: { id: idempotencyId(callerOf(event), key), fingerprint: bodyFingerprint(body ?? '') },
  };
};

const unavailable = (): APIGatewayProxyResult =>
  errorResponse(503, 'the batch was not acknowledged by Kafka; retry (with the same Idempotency-Key)', {
    'retry-after': '1',
  });

/** Step 2 without a key: produce and answer. */
const produceOnce = async (
  deps: IngestDeps,
  records: readonly IngestRecord[],
): Promise<APIGatewayProxyResult> => {
  await deps.produce(records);
  return json(200, { accepted: records.length });
};

/** Step 2 with a key: the first request produces and stores its answer; a retry gets that answer again. */
const produceIdempotently = async (
  deps: IngestDeps,
  request: Request & { key: NonNullable<Request['key']> },
) => {
  const { id, fingerprint } = request.key;
  const claim = await deps.idempotency.claim(id, fingerprint, deps.now());
  if (claim.kind === 'replay')
    return { ...json(claim.answer.statusCode, null, REPLAYED), body: claim.answer.body };
  if (claim.kind === 'in-progress')
    return errorResponse(409, 'a request with this Idempotency-Key is still in progress; retry shortly', {
      'retry-after': '1',
    });
  if (claim.kind === 'mismatch')
    return errorResponse(422, 'this Idempotency-Key was used with a different body; use a new key');
  try {
    await deps.produce(request.records);
  } catch (error) {
    await deps.idempotency.release(id, fingerprint);
    throw error;
  }
  const answer = json(200, { accepted: request.records.length });
  await deps.idempotency.complete(id, fingerprint, { statusCode: 200, body: answer.body }, deps.now());
  return answer;
};

export const createIngestApi =
  (deps: IngestDeps) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const request = readRequest(event);
    if ('statusCode' in request) return request;
    try {
      return request.key === undefined
        ? await produceOnce(deps, request.records)
        : await produceIdempotently(deps, { ...request, key: request.key });
    } catch (error) {
      deps.log.error('ingest: batch not written', {
        records: request.records.length,
        requestId: event.requestContext?.requestId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      return unavailable();
    }
  };
