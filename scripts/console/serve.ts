import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildConsole, CONSOLE_PREFIX, type ConsoleBuild } from './build.ts';

/** What the page is told about where it runs, so it can say what is unavailable (GET /console/config.json). */
export interface ConsoleConfig {
  /** `local` (npm start) or `aws` (npm run console against a deployed API). */
  readonly target: 'local' | 'aws';
  /** The API the page talks to, for messages ("cannot reach …"). */
  readonly apiLabel: string;
}

export interface RuntimeProgress {
  /** Records in the topic (sum of partition high-water marks). */
  readonly recordsIn: number;
  /** Records the processor has committed. */
  readonly processed: number;
  /** Set while the runtime falls behind: by how much and what bounds it. */
  readonly behind?: string;
}

export interface ConsoleHandlerOptions {
  readonly config: ConsoleConfig;
  /** Topic vs processor offsets, when the runtime can tell (locally); absent in AWS. */
  readonly progress?: () => Promise<RuntimeProgress>;
  /** @default buildConsole (built once, on first request) */
  readonly build?: () => Promise<ConsoleBuild>;
}

/** Answers a request if it is the console's; false for everything else (the API's paths among them). */
export type ConsoleHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
  response.statusCode = status;
  response.setHeader('content-type', type);
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-content-type-options', 'nosniff');
  // The page loads only its own script and style and talks only to its own origin.
  response.setHeader(
    'content-security-policy',
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  response.end(body);
};

/** True for `/` and anything under `/console/`: the only paths the console ever claims. */
export const isConsolePath = (pathname: string): boolean =>
  pathname === '/' || pathname.startsWith(CONSOLE_PREFIX);

/**
 * The console as a request handler to put in front of an API server: `GET /` (the page) and `/console/…` (its
 * script, style, config and runtime progress). It never claims another path, so it cannot shadow an API route.
 */
export const createConsoleHandler = (options: ConsoleHandlerOptions): ConsoleHandler => {
  let built: Promise<ConsoleBuild> | undefined;
  const assets = () => {
    built ??= (options.build ?? buildConsole)().catch((error: unknown) => {
      built = undefined; // a failed build is retried on the next request
      throw error;
    });
    return built;
  };
  return async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://console').pathname;
    if (!isConsolePath(pathname)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(
        response,
        405,
        'application/json; charset=utf-8',
        JSON.stringify({ error: 'the console is read-only (GET)' }),
      );
      return true;
    }
    if (pathname === `${CONSOLE_PREFIX}config.json`) {
      send(response, 200, 'application/json; charset=utf-8', JSON.stringify(options.config));
      return true;
    }
    if (pathname === `${CONSOLE_PREFIX}progress.json`) {
      const progress =
        options.progress === undefined
          ? {
              available: false,
              reason: "only the local runtime knows it; in AWS see the dashboard's OffsetLag",
            }
          : await options.progress().then(
              (p) => ({ available: true, ...p, lag: Math.max(0, p.recordsIn - p.processed) }),
              () => ({ available: false, reason: 'the broker did not answer' }),
            );
      send(response, 200, 'application/json; charset=utf-8', JSON.stringify(progress));
      return true;
    }
    const asset = (await assets()).assets.get(pathname);
    if (asset === undefined) {
      send(
        response,
        404,
        'application/json; charset=utf-8',
        JSON.stringify({ error: `no such console file: ${pathname}` }),
      );
      return true;
    }
    send(response, 200, asset.contentType, request.method === 'HEAD' ? '' : asset.body);
    return true;
  };
};
