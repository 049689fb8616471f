import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const json = (
  statusCode: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const errorResponse = (
  statusCode: number,
  message: string,
  headers?: Readonly<Record<string, string>>,
): APIGatewayProxyResult => json(statusCode, { error: message }, headers);

/** A header's value by case-insensitive name (API Gateway passes names as the client spelled them). */
export const headerValue = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
};

/** The body as text (API Gateway base64-encodes it only for binary media types). */
export const bodyText = (event: APIGatewayProxyEvent): string | null => {
  if (event.body === null || event.body === undefined) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** Who is calling, as API Gateway authenticated them: idempotency keys are scoped by it. */
export const callerOf = (event: APIGatewayProxyEvent): string => {
  const identity = event.requestContext?.identity;
  return identity?.userArn ?? identity?.caller ?? identity?.accountId ?? 'anonymous';
};
