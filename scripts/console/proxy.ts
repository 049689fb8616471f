import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Credentials, signApiRequest } from '#scripts/lookup-request.ts';
import { errorMessage } from '#scripts/shared/cli.ts';
import { readBodyUpTo } from '#scripts/shared/read-body.ts';
import { isApiPath } from './api-paths.ts';
import type { ConsoleHandler } from './serve.ts';

export interface ConsoleProxyOptions {
  /** The deployed API with its stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod */
  readonly upstream: URL;
  /** SigV4 signing region. */
  readonly region: string;
  readonly credentials: Credentials;
  /** Serves the page itself (`/`, `/console/…`). */
  readonly console: ConsoleHandler;
  /** @default 3030; 0 picks a free port */
  readonly port?: number;
  /** A rule is at most 16 KiB; anything much larger is not the console's. @default 64 KiB */
  readonly maxBodyBytes?: number;
  /** @default 15 s */
  readonly timeoutMs?: number;
}

export interface ConsoleProxy {
  readonly url: string;
  close(): Promise<void>;
}

// Only what the console's requests need crosses: no cookies, no browser headers, nothing to confuse the signature.
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept'] as const;
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-requestid', 'x-amzn-errortype'] as const;

const replyError = (response: ServerResponse, status: number, message: string) => {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ error: message }));
};

/** The upstream URL for a local request path: the API's base (with its stage) + the path + the query. */
const upstreamUrl = (upstream: URL, requestUrl: string): URL => {
  const local = new URL(requestUrl, 'http://console');
  const base = upstream.pathname.replace(/\/+$/, '');
  return new URL(`${upstream.origin}${base}${local.pathname}${local.search}`);
};

/**
 * The console on 127.0.0.1 for a deployed API: the page from `console`, the API's own paths forwarded SigV4-signed
 * (service execute-api) with the given credentials, every other path a 404 that never leaves the machine.
 */
export const startConsoleProxy = async (options: ConsoleProxyOptions): Promise<ConsoleProxy> => {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const send = options.upstream.protocol === 'https:' ? httpsRequest : httpRequest;

  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBodyUpTo(request, maxBodyBytes);
    if (body === null) return replyError(response, 413, `request body larger than ${maxBodyBytes} bytes`);
    const url = upstreamUrl(options.upstream, request.url ?? '/');
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = request.method ?? 'GET';
    const text = body.length === 0 ? undefined : body.toString('utf8');
    let signed: Record<string, string>;
    try {
      signed = await signApiRequest({
        method,
        url,
        headers,
        body: text,
        region: options.region,
        credentials: options.credentials,
      });
    } catch (error) {
      return replyError(
        response,
        503,
        `cannot sign the request: no usable AWS credentials (${errorMessage(error)})`,
      );
    }
    await new Promise<void>((resolve) => {
      const outgoing = send(url, { method, headers: signed, timeout: timeoutMs }, (incoming) => {
        response.statusCode = incoming.statusCode ?? 502;
        for (const name of FORWARDED_RESPONSE_HEADERS) {
          const value = incoming.headers[name];
          if (value !== undefined) response.setHeader(name, value);
        }
        incoming.pipe(response);
        incoming.on('end', resolve);
        incoming.on('error', () => {
          response.destroy();
          resolve();
        });
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      outgoing.on('error', (error) => {
        if (!response.headersSent)
          replyError(response, 502, `cannot reach ${options.upstream.href}: ${errorMessage(error)}`);
        else response.destroy();
        resolve();
      });
      outgoing.end(text);
    });
  };

  const server = createServer(async (request, response) => {
    try {
      if (await options.console(request, response)) return;
      const pathname = new URL(request.url ?? '/', 'http://console').pathname;
      if (!isApiPath(pathname)) {
        return replyError(
          response,
          404,
          `not forwarded: ${pathname} is neither the console nor a path of the API`,
        );
      }
      await forward(request, response);
    } catch (error) {
      if (!response.headersSent) replyError(response, 500, `console proxy failed: ${errorMessage(error)}`);
      else response.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3030, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
