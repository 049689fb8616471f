/** The lookup API's local front door (npm start, the bench, integration tests): API Gateway's REST proxy over node:http. */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { FleetStreamError } from '#core/errors.ts';
import type { CallerLimiter } from './caller-limits.ts';
import { readBodyUpTo } from './read-body.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface ApiServerOptions {
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** Loopback only: the local API has no auth. @default 127.0.0.1 */
  readonly host?: '127.0.0.1' | '::1' | 'localhost';
  /** Larger bodies get a 413 (API Gateway's own limit is 10 MB; nothing here needs more than a rule). @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Answers requests that are not the API's first (the local console); returns false to pass one on. */
  readonly beforeApi?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** Per-caller limits on API requests, as WAF applies them in AWS (./caller-limits.ts). @default - none */
  readonly callerLimits?: CallerLimiter;
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A request target the adapter cannot read as a path: answered 400 (API Gateway would refuse it too). */
export class BadRequestTarget extends FleetStreamError {
  override readonly name = 'BadRequestTarget';
}

/**
 * The request target as a URL. Only the origin form (`/path?query`) is served; it is appended to a fixed origin rather
 * than resolved against one, so `//host/x` stays a path instead of becoming a host.
 */
const requestUrl = (target: string): URL => {
  if (!target.startsWith('/')) throw new BadRequestTarget('request target must be a path starting with /');
  try {
    return new URL(`http://local${target}`);
  } catch {
    throw new BadRequestTarget('request target is not a valid URL path');
  }
};

/** Builds the REST API (v1) proxy event API Gateway would send for this request (path kept percent-encoded). */
export const toProxyEvent = (
  request: IncomingMessage,
  body: Buffer,
  remoteAddress = '127.0.0.1',
): APIGatewayProxyEvent => {
  const url = requestUrl(request.url ?? '/');
  // Parameter and header names are the client's: collected in Maps, then made own properties with fromEntries
  // (`?constructor=x` or a `__proto__` header must arrive as data, the way API Gateway's JSON event carries them).
  const query = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) query.set(name, [...(query.get(name) ?? []), value]);
  const headerValues = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headerValues.set(name, Array.isArray(value) ? value : [value]);
  }
  const headers = Object.fromEntries([...headerValues].map(([name, values]) => [name, values.join(',')]));
  const multiValueHeaders = Object.fromEntries(headerValues);
  const hasQuery = query.size > 0;
  const proxy = url.pathname.replace(/^\//, '');
  let decodedProxy = proxy;
  try {
    decodedProxy = decodeURIComponent(proxy);
  } catch {
    // Leave it encoded; the handler reports bad percent-encoding from `path`.
  }
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery
      ? Object.fromEntries([...query].map(([name, values]) => [name, values[values.length - 1]]))
      : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(query) : null,
    pathParameters: proxy === '' ? null : { proxy: decodedProxy },
    stageVariables: null,
    body: body.length === 0 ? null : body.toString('utf8'),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: request.method ?? 'GET',
      identity: localIdentity(remoteAddress, headers['user-agent'] ?? null),
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
  };
};

const localIdentity = (
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent['requestContext']['identity'] => ({
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp,
  user: null,
  userAgent,
  userArn: null,
});

const writeResult = (response: ServerResponse, result: APIGatewayProxyResult) => {
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    response.setHeader(
      name,
      values.map((v) => String(v)),
    );
  }
  response.statusCode = result.statusCode;
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
};

const writeError = (response: ServerResponse, statusCode: number, message: string) => {
  response.statusCode = statusCode;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ error: message }));
};

/** Serves an API Gateway proxy handler over node:http on loopback, the way API Gateway would invoke it. */
export const startApiServer = async (
  handler: ProxyHandler,
  options: ApiServerOptions = {},
): Promise<ApiServer> => {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const server = createServer(async (request, response) => {
    try {
      if (options.beforeApi !== undefined && (await options.beforeApi(request, response))) return;
      const limited = options.callerLimits?.check(request);
      if (limited !== undefined) return writeError(response, 429, limited);
      const body = await readBodyUpTo(request, maxBodyBytes);
      if (body === null) return writeError(response, 413, `request body larger than ${maxBodyBytes} bytes`);
      writeResult(response, await handler(toProxyEvent(request, body, request.socket.remoteAddress)));
    } catch (error) {
      if (error instanceof BadRequestTarget && !response.headersSent)
        return writeError(response, 400, error.message);
      console.error('local API adapter failed', error);
      if (!response.headersSent) writeError(response, 500, 'internal error');
      else response.destroy();
    }
  });
  // Requests node's parser refuses (bad framing, oversized headers, unknown methods) still get a JSON error.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      error: status === 431 ? 'request headers too large' : 'malformed HTTP request',
    });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
