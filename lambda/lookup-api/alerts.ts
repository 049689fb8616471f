import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GSI_ALERTS_BY_DAY } from '#core/contract/index.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json } from './http.ts';
import { toAlertView } from './mappers.ts';
import type { ApiRequest, Route } from './router.ts';
import { parseDeviceId, parseIsoTime, parseLimit } from './validation.ts';

const DAY_MS = 86_400_000;
// Without a device the history is read day by day (GSI byDay); bound how many days one request may walk.
const MAX_FLEET_ALERT_DAYS = 31;

/** Newest first. With deviceId: the device's partition of the alerts table; otherwise GSI byDay, today backwards. */
const listAlerts = async (request: ApiRequest, deps: LookupDeps) => {
  const now = deps.now();
  const deviceId = request.query.deviceId === undefined ? undefined : parseDeviceId(request.query.deviceId);
  const since = request.query.since === undefined ? now - DAY_MS : parseIsoTime('since', request.query.since);
  const limit = parseLimit(request.query.limit);
  // alertKey = `<at>#<alertId>` with `at` in canonical ISO form, so a key comparison is a time comparison.
  const sinceKey = new Date(since).toISOString();

  const items: AlertItem[] = [];
  if (deviceId !== undefined) {
    await collect(items, limit, (startKey, max) =>
      deps.db.send(
        new QueryCommand({
          TableName: deps.tables.alerts,
          KeyConditionExpression: 'deviceId = :d AND alertKey >= :since',
          ExpressionAttributeValues: { ':d': deviceId, ':since': sinceKey },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          Limit: max,
        }),
      ),
    );
  } else {
    if (now - since > MAX_FLEET_ALERT_DAYS * DAY_MS) {
      throw badRequest(`since may reach back at most ${MAX_FLEET_ALERT_DAYS} days unless deviceId is given`);
    }
    for (let day = utcDay(now); day >= utcDay(since) && items.length < limit; day -= DAY_MS) {
      const dayKey = new Date(day).toISOString().slice(0, 10);
      await collect(items, limit, (startKey, max) =>
        deps.db.send(
          new QueryCommand({
            TableName: deps.tables.alerts,
            IndexName: GSI_ALERTS_BY_DAY,
            KeyConditionExpression: '#day = :day AND alertKey >= :since',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ':day': dayKey, ':since': sinceKey },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
            Limit: max,
          }),
        ),
      );
    }
  }
  return json(200, { items: items.map(toAlertView) });
};

const utcDay = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

type Page = { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };

const collect = async (
  items: AlertItem[],
  limit: number,
  query: (startKey: Record<string, unknown> | undefined, max: number) => Promise<Page>,
) => {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await query(startKey, limit - items.length);
    items.push(...((page.Items ?? []) as unknown as AlertItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < limit);
};

export const alertRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/alerts', query: ['deviceId', 'since', 'limit'], handler: listAlerts },
];
