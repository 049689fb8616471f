/**
 * The generator's producer over HTTPS: each send becomes POST /ingest requests (NDJSON, at most the route's records
 * and bytes each), SigV4-signed for API Gateway unless the URL is loopback. Every request carries its own
 * Idempotency-Key and is retried with it on 409/503/network errors, so a retry never writes twice.
 */
import { randomUUID } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { Message, Producer } from 'kafkajs';
import {
  IDEMPOTENCY_HEADER,
  INGEST_MAX_BYTES,
  INGEST_MAX_RECORDS,
  INGEST_PATH,
} from '#core/contract/index.ts';
import { type Credentials, executeApiRegion, signApiRequest } from '#scripts/lookup-request.ts';
import { UsageError } from '#scripts/shared/cli.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The ingest URL for a base URL (`http://127.0.0.1:3000`, the stack's ApiUrl) or the full …/ingest URL. */
export const ingestUrl = (raw: string): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--http: not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError('--http: use an http(s) URL');
  if (!url.pathname.endsWith(INGEST_PATH)) url.pathname = `${url.pathname.replace(/\/$/, '')}${INGEST_PATH}`;
  return url;
};

/** Splits messages into request bodies within the route's bounds. */
export const ingestBodies = (messages: readonly Message[]): string[] => {
  const bodies: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const m of messages) {
    const line = Buffer.isBuffer(m.value) ? m.value.toString('utf8') : String(m.value ?? '');
    const size = Buffer.byteLength(line) + 1;
    if (lines.length > 0 && (lines.length >= INGEST_MAX_RECORDS || bytes + size > INGEST_MAX_BYTES)) {
      bodies.push(lines.join('\n'));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length > 0) bodies.push(lines.join('\n'));
  return bodies;
};

export interface HttpProducerOptions {
  readonly url: URL;
  /** For SigV4; default: from an execute-api host name, else AWS_REGION. */
  readonly region?: string;
  /** Called with each request's latency (ms) once it answered 200. */
  readonly onRequest?: (ms: number) => void;
  readonly retries?: number;
}

const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);

export const httpProducer = (options: HttpProducerOptions): Producer => {
  const { url } = options;
  const signed = !LOOPBACK.has(url.hostname);
  const region = options.region ?? executeApiRegion(url.hostname) ?? process.env.AWS_REGION;
  if (signed && (region === undefined || region === ''))
    throw new UsageError('--http to a non-local URL needs --region (or AWS_REGION) for SigV4');
  let credentials: Credentials | undefined;
  const headersFor = async (body: string, key: string): Promise<Record<string, string>> => {
    const headers = { 'content-type': 'application/x-ndjson', [IDEMPOTENCY_HEADER]: key };
    if (!signed) return headers;
    credentials ??= fromNodeProviderChain();
    return signApiRequest({ method: 'POST', url, headers, body, region: region as string, credentials });
  };
  const post = async (body: string): Promise<void> => {
    const key = randomUUID();
    let last = '';
    for (let attempt = 0; attempt <= (options.retries ?? 3); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      const started = performance.now();
      try {
        const response = await fetch(url, { method: 'POST', body, headers: await headersFor(body, key) });
        const text = await response.text();
        if (response.ok) return options.onRequest?.(performance.now() - started);
        last = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        if (!RETRYABLE.has(response.status)) break;
      } catch (error) {
        last = (error as Error).message;
      }
    }
    throw new Error(`POST ${url.href} failed: ${last}`);
  };
  const producer = {
    connect: async () => {},
    disconnect: async () => {},
    send: async ({ messages }: { messages: Message[] }) => {
      await Promise.all(ingestBodies(messages).map(post));
      return [];
    },
  };
  return producer as unknown as Producer;
};
