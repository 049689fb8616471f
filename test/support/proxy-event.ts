import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The REST API (v1) proxy event API Gateway sends the lookup API for one request, with just what the handler reads.
 * Query values are given per name (several when repeated); the single-value map holds the last, as API Gateway's does.
 */
export const proxyEvent = (
  method: string,
  path: string,
  query: Record<string, string[]> | null = null,
  body: string | null = null,
): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1)])),
    multiValueQueryStringParameters: query,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'test' },
  }) as unknown as APIGatewayProxyEvent;
