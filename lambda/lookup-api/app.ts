import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Log } from '#core/log.ts';
import { alertRoutes } from './alerts.ts';
import type { LookupDeps } from './deps.ts';
import { deviceRoutes } from './devices.ts';
import { fleetRoutes } from './fleet.ts';
import { errorResponse, HttpError, json } from './http.ts';
import { muteRoutes } from './mutes.ts';
import { createRouter, type Route } from './router.ts';
import { ruleRoutes } from './rules.ts';
import { isThrottled, THROTTLED_MESSAGE } from './throttled.ts';

const healthRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/health', handler: async () => json(200, { status: 'ok' }) },
];

export const routes: Route<LookupDeps>[] = [
  ...healthRoutes,
  ...deviceRoutes,
  ...fleetRoutes,
  ...alertRoutes,
  ...ruleRoutes,
  ...muteRoutes,
];

/**
 * The lookup API as a function of an API Gateway REST (v1) proxy event: route, validate, query, map.
 * Client mistakes become 400/404/405 with a reason; anything else is logged (through `log`: the handler's Powertools
 * logger) and answered with a generic 500.
 */
export const createLookupApi = (deps: LookupDeps, log: Log) => {
  const route = createRouter(routes);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      return await route(event, deps);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.statusCode, error.message);
      if (isThrottled(error)) return errorResponse(503, THROTTLED_MESSAGE);
      log.error('lookup-api request failed', {
        method: event.httpMethod,
        path: event.path,
        requestId: event.requestContext?.requestId,
        error:
          error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
      });
      return errorResponse(500, 'internal error');
    }
  };
};
