import type { APIGatewayProxyResult } from 'aws-lambda';
import { FleetStreamError } from '#core/errors.ts';

/** An error the client caused (or a thing that does not exist): becomes `{"error": message}` with this status. */
export class HttpError extends FleetStreamError {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: 400 | 404 | 405 | 413 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);
/** A read that kept racing writes: the client should retry shortly. */
export const unavailable = (message: string): HttpError => new HttpError(503, message);

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: JSON_HEADERS,
  body: JSON.stringify(body),
});

export const noContent = (): APIGatewayProxyResult => ({
  statusCode: 204,
  headers: { 'cache-control': 'no-store' },
  body: '',
});

export const errorResponse = (statusCode: number, message: string): APIGatewayProxyResult =>
  json(statusCode, { error: message });
