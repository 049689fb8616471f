// The page's only way to the API: same origin (the local API server, or the signing proxy of `npm run console`).

/** The API answered with an error status; `reason` is its `{"error"}` (or API Gateway's `{"message"}`). */
export class ApiError extends FleetStreamError {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${status}: ${reason}`);
  }
}

/** The API could not be reached at all (server stopped, proxy down, network). */
export class UnreachableError extends FleetStreamError {
  override readonly name = 'UnreachableError';
}

const reasonOf = (text: string, status: number): string => {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const reason = body.error ?? body.message;
    if (typeof reason === 'string') return reason;
  } catch {
    // not JSON: fall through
  }
  return text.trim() === '' ? `HTTP ${status}` : text.trim().slice(0, 300);
};

export const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new UnreachableError(error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  // A proxy in front of a stopped API answers 502/504: for the user that is "API down", not a bad request.
  if (response.status === 502 || response.status === 504)
    throw new UnreachableError(reasonOf(text, response.status));
  if (!response.ok) throw new ApiError(response.status, reasonOf(text, response.status));
  return (text === '' ? undefined : JSON.parse(text)) as T;
};

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);

/** Builds `path?name=value…`, leaving out empty values. */
export const withQuery = (path: string, query: Record<string, string | undefined>): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
};

// The API's shapes, as the lookup API's mappers define them (type-only: nothing of lambda/ is bundled).
export type {
  ActiveAlertView as ActiveAlert,
  AlertView as Alert,
  DeviceSummaryView as DeviceSummary,
  DeviceView as Device,
  FleetView as Fleet,
  Stats,
  WindowView as Window,
} from '#lambda/lookup-api/mappers.ts';

import { FleetStreamError } from '#core/errors.ts';
import type { WindowView } from '#lambda/lookup-api/mappers.ts';

export interface Page<T> {
  items: T[];
  cursor: string | null;
}
export interface Windows {
  deviceId: string;
  resolution: string;
  windows: WindowView[];
}
export type { Rule } from './rule-form.ts';
export interface Progress {
  available: boolean;
  reason?: string;
  recordsIn?: number;
  processed?: number;
  lag?: number;
  behind?: string;
}
// What GET /console/config.json answers, as the server defines it (type-only).
export type { ConsoleConfig } from '#scripts/console/serve.ts';
