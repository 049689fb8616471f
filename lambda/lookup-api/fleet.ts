import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FLEET_PK, type FleetDevicesItem, type FleetRecordsItem } from '#core/items.ts';
import type { LookupDeps } from './deps.ts';
import { json } from './http.ts';
import { sumFleet } from './mappers.ts';
import type { Route } from './router.ts';

/** One Query over the FLEET partition (16 device shards + one record shard per source partition), summed. */
const getFleet = async (_request: unknown, deps: LookupDeps) => {
  const items: Array<FleetRecordsItem | FleetDevicesItem> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await deps.db.send(
      new QueryCommand({
        TableName: deps.tables.state,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': FLEET_PK },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((result.Items ?? []) as Array<FleetRecordsItem | FleetDevicesItem>));
    startKey = result.LastEvaluatedKey;
  } while (startKey !== undefined);
  return json(200, sumFleet(items));
};

export const fleetRoutes: Route<LookupDeps>[] = [{ method: 'GET', pattern: '/fleet', handler: getFleet }];
