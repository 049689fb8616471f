/**
 * A fault-injecting HTTP proxy on loopback in front of DynamoDB Local: while `active`, a seeded share of requests
 * fails, a third each way: the connection is reset before the request reaches DynamoDB (with `resetAll`, every open
 * connection), DynamoDB answers 500
 * (InternalServerError) without applying it, or the request is applied and the connection reset before the answer
 * (a response lost after the write applied). Everything else is forwarded unchanged.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault = 'reset' | '500' | 'lost-answer';

export interface FaultProxy {
  readonly endpoint: string;
  /** Faults are injected only while true. */
  active: boolean;
  readonly counts: { requests: number; reset: number; '500': number; 'lost-answer': number };
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, so a run's faults are reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const INTERNAL_ERROR = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Internal server error (injected)',
});

export const startFaultProxy = async (
  upstream: string,
  /** `resetAll`: a reset drops every open connection (a connection-level fault), not only the request's own. */
  options: { rate: number; seed?: number; resetAll?: boolean },
): Promise<FaultProxy> => {
  const target = new URL(upstream);
  const random = seeded(options.seed ?? 1);
  const counts = { requests: 0, reset: 0, '500': 0, 'lost-answer': 0 };
  const proxy: { active: boolean } = { active: true };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    done: (status: number, headers: object, b: Buffer) => void,
  ) => {
    const out = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
      },
    );
    out.on('error', () => req.socket.destroy());
    out.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    counts.requests += 1;
    const roll = random();
    const fault: ProxyFault | null =
      proxy.active && roll < options.rate
        ? ((['reset', '500', 'lost-answer'] as const)[Math.floor((roll / options.rate) * 3)] ?? 'reset')
        : null;
    if (fault) counts[fault] += 1;
    if (fault === 'reset' && options.resetAll) return server.closeAllConnections();
    if (fault === 'reset') return req.socket.destroy();
    if (fault === '500') {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      return res.end(INTERNAL_ERROR);
    }
    forward(req, body, (status, headers, answer) => {
      if (fault === 'lost-answer') return req.socket.destroy();
      res.writeHead(status, headers as Record<string, string>);
      res.end(answer);
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get active() {
      return proxy.active;
    },
    set active(value: boolean) {
      proxy.active = value;
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
