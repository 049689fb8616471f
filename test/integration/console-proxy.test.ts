import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consoleCli } from '#scripts/console/cli.ts';
import { type ConsoleProxy, startConsoleProxy } from '#scripts/console/proxy.ts';
import { createConsoleHandler } from '#scripts/console/serve.ts';

// `npm run console`'s proxy against a local HTTP server standing in for API Gateway: what arrives must be signed
// for execute-api (checked by signing the received request again, independently), and only the API's paths arrive.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const REGION = 'eu-west-1';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-1',
};
let upstream: Server;
let upstreamPort = 0;
let proxy: ConsoleProxy;
let received: Received[] = [];

/**
 * The headers the request says it signed (SignedHeaders), as received, less the ones the signer derives itself
 * (date, token, and the payload hash, which is recomputed from the body so the body is what gets verified).
 */
const signedHeaders = (request: Received): Record<string, string> => {
  const names = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (name === 'x-amz-date' || name === 'x-amz-security-token' || name === 'x-amz-content-sha256') continue;
    headers[name] = String(request.headers[name]);
  }
  return headers;
};

/** Signs the request the upstream received, the way API Gateway checks it, at the time the request says. */
const expectedAuthorization = async (request: Received, body?: string) => {
  const url = new URL(request.url, `http://${request.headers.host}`);
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    service: 'execute-api',
    region: REGION,
    credentials: CREDENTIALS,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: signedHeaders(request),
      ...(body === undefined ? {} : { body }),
    },
    { signingDate },
  );
  return {
    authorization: signed.headers.authorization,
    contentSha256: signed.headers['x-amz-content-sha256'],
  };
};

const startUpstream = async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.setHeader('content-type', 'application/json');
      response.setHeader('set-cookie', 'tracking=1');
      if (request.method === 'PUT') {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: 'invalid rule: when.value for cpuusage must be a number' }));
      } else {
        response.end(JSON.stringify({ upstreamSaw: request.url }));
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(upstreamPort, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
};

beforeAll(async () => {
  await startUpstream();
  proxy = await startConsoleProxy({
    upstream: new URL(`http://127.0.0.1:${upstreamPort}/prod/`),
    region: REGION,
    credentials: async () => CREDENTIALS,
    console: createConsoleHandler({ config: { target: 'aws', apiLabel: 'test upstream' } }),
    port: 0,
  });
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

describe('console proxy: SigV4 for execute-api', () => {
  it('forwards GET /fleet under the stage, signed with the session credentials', async () => {
    const response = await fetch(`${proxy.url}/fleet`, { headers: { cookie: 'secret=1', 'x-custom': 'no' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upstreamSaw: '/prod/fleet' });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('GET');
    expect(request.headers.host).toBe(`127.0.0.1:${upstreamPort}`);
    expect(request.headers['x-amz-security-token']).toBe('session-token-1');
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${REGION}/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers['x-custom']).toBeUndefined();
    expect(request.headers.authorization).toBe((await expectedAuthorization(request)).authorization);
  });

  it('signs the percent-encoded path and the query of /windows', async () => {
    const path =
      '/devices/dvc%201%2Fa/windows?from=2026-11-21T10%3A00%3A00.000Z&to=2026-11-21T11%3A00%3A00.000Z';
    const response = await fetch(`${proxy.url}${path}`);
    expect(response.status).toBe(200);
    const [request] = received as [Received];
    expect(request.url).toBe(`/prod${path}`);
    expect(request.headers.authorization).toBe((await expectedAuthorization(request)).authorization);
  });

  it('signs the body of PUT /rules and passes the API 400 reason back unchanged', async () => {
    const body = JSON.stringify({ when: { field: 'cpuusage', op: '>', value: 'high' }, severity: 'warning' });
    const response = await fetch(`${proxy.url}/rules/cpu-hot`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid rule: when.value for cpuusage must be a number',
    });
    const [request] = received as [Received];
    expect(request.body).toBe(body);
    expect(request.headers['content-type']).toBe('application/json');
    const expected = await expectedAuthorization(request, body);
    expect(request.headers.authorization).toBe(expected.authorization);
    // When the payload hash also travels as a header, it is the received body's.
    if (request.headers['x-amz-content-sha256'] !== undefined) {
      expect(request.headers['x-amz-content-sha256']).toBe(expected.contentSha256);
    }
    // The signature depends on the body: another body would not verify.
    expect(request.headers.authorization).not.toBe(
      (await expectedAuthorization(request, `${body} `)).authorization,
    );
  });
});

describe('console proxy: only the API paths leave the machine', () => {
  it.each(['/etc/passwd', '/devicesx', '/devices/a/b/c', '/prod/fleet', '/%2e%2e/admin', '/rules/a/b'])(
    'does not forward %s',
    async (path) => {
      const response = await fetch(`${proxy.url}${path}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/not forwarded/);
      expect(received).toEqual([]);
    },
  );

  it('serves the console itself locally', async () => {
    const page = await fetch(`${proxy.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/app.js');
    const config = await fetch(`${proxy.url}/console/config.json`);
    expect(await config.json()).toEqual({ target: 'aws', apiLabel: 'test upstream' });
    const progress = await fetch(`${proxy.url}/console/progress.json`);
    expect(await progress.json()).toMatchObject({ available: false });
    expect(received).toEqual([]);
  });

  it('answers 503 with a reason when the credentials cannot be loaded', async () => {
    const broken = await startConsoleProxy({
      upstream: new URL(`http://127.0.0.1:${upstreamPort}/prod`),
      region: REGION,
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
      console: createConsoleHandler({ config: { target: 'aws', apiLabel: 'x' } }),
      port: 0,
    });
    try {
      const response = await fetch(`${broken.url}/fleet`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/no usable AWS credentials/);
      expect(received).toEqual([]);
    } finally {
      await broken.close();
    }
  });

  it('answers 502 naming the API when it cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const dangling = await startConsoleProxy({
      upstream: new URL(`http://127.0.0.1:${closedPort}/prod`),
      region: REGION,
      credentials: async () => CREDENTIALS,
      console: createConsoleHandler({ config: { target: 'aws', apiLabel: 'x' } }),
      port: 0,
    });
    try {
      const response = await fetch(`${dangling.url}/health`);
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: string }).error).toMatch(
        new RegExp(`cannot reach http://127.0.0.1:${closedPort}/prod`),
      );
    } finally {
      await dangling.close();
    }
  });
});

describe('npm run console', () => {
  it('serves the console on 127.0.0.1 for an API Gateway URL until stopped', async () => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const lines: string[] = [];
    let code: number | undefined;
    const ready = new Promise<ConsoleProxy>((resolve) => {
      void consoleCli({
        argv: ['--url', 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod', '--port', '0'],
        credentials: async () => CREDENTIALS,
        onReady: resolve,
        stopped,
        stdout: (line) => lines.push(line),
        stderr: (line) => lines.push(line),
        exit: (value) => {
          code = value;
          return undefined;
        },
      });
    });
    const running = await ready;
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.join('\n')).toMatch(
      /console for https:\/\/abc123def4\.execute-api\.eu-west-1\.amazonaws\.com\/prod \(SigV4, eu-west-1\)/,
    );
    const page = await fetch(`${running.url}/`);
    expect(page.status).toBe(200);
    const config = await fetch(`${running.url}/console/config.json`);
    expect(await config.json()).toEqual({
      target: 'aws',
      apiLabel: 'https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod',
    });
    stop();
    await expect.poll(() => code).toBe(0);
  });
});
