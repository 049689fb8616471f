import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { badRequest, HttpError } from './http.ts';

export interface ApiRequest {
  readonly method: string;
  /** Decoded path parameters named in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  /** Decoded query parameters, each given at most once. */
  readonly query: Readonly<Record<string, string>>;
  /** UTF-8 body or null. */
  readonly body: string | null;
  /** Who is calling: the IAM principal's ARN in AWS (SigV4); locally the client's address. */
  readonly caller: string;
}

export type RouteHandler<D> = (request: ApiRequest, deps: D) => Promise<APIGatewayProxyResult>;

export interface Route<D> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/devices/{deviceId}/windows` */
  readonly pattern: string;
  /** Query parameters this route accepts; any other is a 400 (typos should not silently widen a query). */
  readonly query?: readonly string[];
  readonly handler: RouteHandler<D>;
}

/** Splits a percent-encoded path (REST API events keep the encoding) into decoded segments. */
export const pathSegments = (path: string): string[] => {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return [];
  return trimmed.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw badRequest('path is not valid percent-encoding');
    }
  });
};

/** Matches decoded path segments against a pattern; returns the captured parameters or null. */
export const matchPattern = (pattern: string, segments: readonly string[]): Record<string, string> | null => {
  const parts = pathSegments(pattern);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = Object.create(null);
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] as string;
    if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
};

/**
 * The query parameters a route allows, each at most once. Names are the client's: only allowed names are read, with
 * own-property checks, into a null-prototype object (`?constructor=x` is an unknown parameter, not Object's).
 */
const readQuery = (event: APIGatewayProxyEvent, allowed: readonly string[]): Record<string, string> => {
  const multi = event.multiValueQueryStringParameters ?? {};
  const single = event.queryStringParameters ?? {};
  const query: Record<string, string> = Object.create(null);
  for (const name of new Set([...Object.keys(single), ...Object.keys(multi)])) {
    if (!allowed.includes(name)) {
      throw badRequest(
        allowed.length === 0
          ? `unknown query parameter ${describeName(name)} (this route takes none)`
          : `unknown query parameter ${describeName(name)} (allowed: ${allowed.join(', ')})`,
      );
    }
    const many = Object.hasOwn(multi, name) ? multi[name] : undefined;
    const one = Object.hasOwn(single, name) ? single[name] : undefined;
    const values = many ?? (one === undefined ? [] : [one]);
    if (values.length > 1) throw badRequest(`query parameter "${name}" given more than once`);
    const value = values[0];
    if (value !== undefined) query[name] = value;
  }
  return query;
};

// Client text echoed in an error: bounded and printable.
const bounded = (text: string): string =>
  (text.length > 64 ? `${text.slice(0, 64)}…` : text).replace(/\p{C}/gu, '?');
const describeName = (name: string): string => `"${bounded(name)}"`;

/** The caller API Gateway authenticated (IAM auth: `userArn`), or where an unauthenticated local request came from. */
export const callerOf = (event: APIGatewayProxyEvent): string => {
  const identity = event.requestContext?.identity;
  const known = identity?.userArn ?? identity?.caller;
  if (typeof known === 'string' && known !== '') return known;
  return `unauthenticated@${identity?.sourceIp ?? 'unknown'}`;
};

const readBody = (event: APIGatewayProxyEvent): string | null => {
  if (event.body === null || event.body === undefined) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** A tiny method + path-pattern router: 404 for unknown paths, 405 for a known path with another method. */
export const createRouter = <D>(routes: readonly Route<D>[]) => {
  return async (event: APIGatewayProxyEvent, deps: D): Promise<APIGatewayProxyResult> => {
    const segments = pathSegments(event.path ?? '/');
    const method = (event.httpMethod ?? 'GET').toUpperCase();
    const allowedMethods: string[] = [];
    for (const route of routes) {
      const params = matchPattern(route.pattern, segments);
      if (params === null) continue;
      if (route.method !== method) {
        allowedMethods.push(route.method);
        continue;
      }
      const request: ApiRequest = {
        method,
        params,
        query: readQuery(event, route.query ?? []),
        body: readBody(event),
        caller: callerOf(event),
      };
      return route.handler(request, deps);
    }
    if (allowedMethods.length > 0) {
      throw new HttpError(405, `method ${method} not allowed here (allowed: ${allowedMethods.join(', ')})`);
    }
    throw new HttpError(404, `no such resource: ${bounded(event.path ?? '/')}`);
  };
};
