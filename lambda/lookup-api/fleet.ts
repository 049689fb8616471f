import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#adapters/batch-get.ts';
import { createCounters } from '#adapters/dynamodb-counters.ts';
import { allFleetDevicesKeys, FLEET_PK, type FleetDevicesItem, type FleetRecordsItem } from '#core/items.ts';
import type { LookupDeps } from './deps.ts';
import { json } from './http.ts';
import { sumFleet } from './mappers.ts';
import type { Route } from './router.ts';

/** The partitions' fleet items: one Query over the FLEET partition key (one item per source partition). */
const readFleetItems = async (deps: LookupDeps): Promise<FleetRecordsItem[]> => {
  const items: FleetRecordsItem[] = [];
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
    items.push(...((result.Items ?? []) as FleetRecordsItem[]));
    startKey = result.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
};

/** The 16 device-count shards older versions wrote (each under its own partition key): one BatchGet. */
const readDeviceShards = async (deps: LookupDeps): Promise<FleetDevicesItem[]> =>
  (await batchGetAll(
    deps.db,
    deps.tables.state,
    allFleetDevicesKeys().map(({ pk, sk }) => ({ pk, sk })),
    { consistentRead: false, counters: createCounters() },
  )) as unknown as FleetDevicesItem[];

/** Partition items and older device shards, summed (readers sum; each partition's reader writes its own). */
const getFleet = async (_request: unknown, deps: LookupDeps) => {
  const [records, devices] = await Promise.all([readFleetItems(deps), readDeviceShards(deps)]);
  return json(200, sumFleet([...records, ...devices]));
};

export const fleetRoutes: Route<LookupDeps>[] = [{ method: 'GET', pattern: '/fleet', handler: getFleet }];
