import { GetCommand, QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#adapters/batch-get.ts';
import { createCounters } from '#adapters/dynamodb-counters.ts';
import { GSI_BY_MODEL, GSI_BY_STATUS } from '#core/contract/index.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, STATE_SK, windowKey, windowStart } from '#core/items/keys.ts';
import type { WindowItem } from '#core/items/window.ts';
import { ruleMapOf } from '#core/rule-maps.ts';
import { windowsInRange } from '#core/window/read.ts';
import { decodeCursor, encodeCursor, type PageKey } from './cursor.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json, notFound, unavailable } from './http.ts';
import {
  activeAlertsByRule,
  registryFromRow,
  toDeviceSummary,
  toDeviceView,
  toWindowView,
} from './mappers.ts';
import type { ApiRequest, Route } from './router.ts';
import { ScanMeter } from './scan-budget.ts';
import { isDeviceId, parseDeviceId, parseIsoTime, parseLimit, parseToken } from './validation.ts';

// How many recent alerts of a device to read when looking for the latest alert of each firing rule without an open
// episode (device items written before episodes).
const RECENT_ALERTS = 100;
const HOUR_MS = 3_600_000;
export const MAX_WINDOW_RANGE_MS = 24 * HOUR_MS;

/** The device's alerts newest first: the one at `alertKey`, or the last RECENT_ALERTS (the role may only Query). */
const queryAlerts = async (deps: LookupDeps, deviceId: string, alertKey?: string): Promise<AlertItem[]> => {
  const reply = await deps.db.send(
    new QueryCommand({
      TableName: deps.tables.alerts,
      KeyConditionExpression: alertKey === undefined ? 'deviceId = :d' : 'deviceId = :d AND alertKey = :k',
      ExpressionAttributeValues:
        alertKey === undefined ? { ':d': deviceId } : { ':d': deviceId, ':k': alertKey },
      ScanIndexForward: false,
      Limit: RECENT_ALERTS,
    }),
  );
  return (reply.Items ?? []) as AlertItem[];
};

/** The alerts behind the device's active episodes: its open episodes by key, and recent ones for older firing rules. */
const activeAlertItems = async (deps: LookupDeps, item: DeviceItem): Promise<AlertItem[]> => {
  const open = ruleMapOf(item.openAlerts);
  const older = (item.firing ?? []).some((ruleId) => !open.has(ruleId));
  const replies = await Promise.all([
    ...[...open.values()].map((alertKey) => queryAlerts(deps, item.deviceId, alertKey)),
    older ? queryAlerts(deps, item.deviceId) : [],
  ]);
  return replies.flat();
};

const getDevice = async (request: ApiRequest, deps: LookupDeps) => {
  const deviceId = parseDeviceId(request.params.deviceId ?? '');
  const [state, registryRow] = await Promise.all([
    deps.db.send(new GetCommand({ TableName: deps.tables.state, Key: deviceKey(deviceId) })),
    deps.db.send(new GetCommand({ TableName: deps.tables.registry, Key: { deviceId } })),
  ]);
  const item = state.Item as DeviceItem | undefined;
  if (item === undefined) throw notFound(`device ${deviceId} not found`);
  const alerts = await activeAlertItems(deps, item);
  // An active rule whose alert is not at hand (older than the recent page) still shows, with the rule's severity.
  const rules = new Map<string, { severity: AlertItem['severity'] }>();
  for (const [ruleId, alert] of activeAlertsByRule(item, alerts)) {
    if (alert !== undefined) continue;
    const rule = await deps.db.send(new GetCommand({ TableName: deps.tables.rules, Key: { ruleId } }));
    if (rule.Item !== undefined) rules.set(ruleId, { severity: rule.Item.severity });
  }
  return json(200, toDeviceView(item, registryFromRow(registryRow.Item), alerts, rules));
};

type Listing =
  | { kind: 'scan'; keyFields: readonly string[] }
  | {
      kind: 'query';
      index: string;
      keyFields: readonly string[];
      hashName: 'status' | 'model';
      hashValue: string;
    };

/** A listing over one device index; a page key there is the table key plus the index key (hashName, deviceId). */
const indexListing = (hashName: 'status' | 'model', hashValue: string): Listing => ({
  kind: 'query',
  index: hashName === 'status' ? GSI_BY_STATUS : GSI_BY_MODEL,
  keyFields: ['pk', 'sk', hashName, 'deviceId'],
  hashName,
  hashValue,
});

const listingFor = (status: string | undefined, model: string | undefined): Listing => {
  if (status !== undefined) return indexListing('status', status);
  if (model !== undefined) return indexListing('model', model);
  return { kind: 'scan', keyFields: ['pk', 'sk'] };
};

/** An index page key resumes this query: same index value, and the key of a device item (not a forged one). */
const resumesQuery = (key: PageKey, listing: Extract<Listing, { kind: 'query' }>): boolean => {
  const deviceId = key.deviceId ?? '';
  return (
    key[listing.hashName] === listing.hashValue &&
    key.sk === STATE_SK &&
    isDeviceId(deviceId) &&
    key.pk === deviceKey(deviceId).pk
  );
};

const keyOf = (item: Record<string, unknown>, fields: readonly string[]): PageKey =>
  Object.fromEntries(fields.map((field) => [field, String(item[field])]));

/**
 * Lists devices by status (GSI byStatus, model as a filter when both are given), by model (GSI byModel), or all
 * (Scan filtered to device items). Pages are filled up to `limit`; the cursor is the key after which to resume.
 */
const listDevices = async (request: ApiRequest, deps: LookupDeps) => {
  const status = request.query.status === undefined ? undefined : parseToken('status', request.query.status);
  const model = request.query.model === undefined ? undefined : parseToken('model', request.query.model);
  const limit = parseLimit(request.query.limit);
  const listing = listingFor(status, model);
  let startKey: PageKey | undefined =
    request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor, listing.keyFields);
  if (listing.kind === 'query' && startKey !== undefined && !resumesQuery(startKey, listing)) {
    throw badRequest('cursor is invalid for this query; use the cursor returned by the previous page');
  }

  const items: DeviceItem[] = [];
  // A listing may need several DynamoDB pages to fill one API page (a scan passes window and fleet items, a filter
  // drops entries): the scan budget bounds the work per request, and the cursor resumes where it stopped.
  const meter = new ScanMeter();
  while (!meter.exhausted) {
    const remaining = limit - items.length;
    const result = await deps.db.send(
      listing.kind === 'scan'
        ? new ScanCommand({
            TableName: deps.tables.state,
            FilterExpression: 'sk = :state',
            ExpressionAttributeValues: { ':state': STATE_SK },
            ExclusiveStartKey: startKey,
            Limit: meter.nextLimit(),
            ReturnConsumedCapacity: 'TOTAL',
          })
        : new QueryCommand(queryInput(deps, listing, { status, model, startKey, remaining, meter })),
    );
    meter.record(result);
    items.push(...((result.Items ?? []) as DeviceItem[]));
    startKey = result.LastEvaluatedKey as PageKey | undefined;
    if (items.length > limit) {
      // Read one past the page: the cursor resumes after the last item returned, and a final page gets null.
      items.length = limit;
      startKey = keyOf(items[limit - 1] as unknown as Record<string, unknown>, listing.keyFields);
      break;
    }
    if (startKey === undefined || items.length === limit) break;
  }
  // The indexes project keys (and model) only, so a query page is hydrated from the table by key.
  const devices = listing.kind === 'query' ? await readDevices(deps, items) : items;
  return json(200, {
    items: devices.map(toDeviceSummary),
    cursor: startKey === undefined ? null : encodeCursor(startKey),
  });
};

/** Full device items for index entries, in the entries' order (a page holds at most 100). */
const readDevices = async (deps: LookupDeps, entries: readonly DeviceItem[]): Promise<DeviceItem[]> => {
  const items = (await batchGetAll(
    deps.db,
    deps.tables.state,
    entries.map(({ pk, sk }) => ({ pk, sk })),
    { consistentRead: false, counters: createCounters() },
  )) as unknown as DeviceItem[];
  const byPk = new Map(items.map((item) => [item.pk, item]));
  return entries.flatMap((e) => byPk.get(e.pk) ?? []);
};

interface QueryPage {
  readonly status: string | undefined;
  readonly model: string | undefined;
  readonly startKey: PageKey | undefined;
  readonly remaining: number;
  readonly meter: ScanMeter;
}

const queryInput = (
  deps: LookupDeps,
  listing: Extract<Listing, { kind: 'query' }>,
  { status, model, startKey, remaining, meter }: QueryPage,
): QueryCommandInput => {
  const filterModel = listing.hashName === 'status' && model !== undefined;
  return {
    TableName: deps.tables.state,
    IndexName: listing.index,
    KeyConditionExpression: '#h = :h',
    ...(filterModel ? { FilterExpression: '#m = :m' } : {}),
    ExpressionAttributeNames: { '#h': listing.hashName, ...(filterModel ? { '#m': 'model' } : {}) },
    ExpressionAttributeValues: {
      ':h': listing.hashName === 'status' ? status : model,
      ...(filterModel ? { ':m': model } : {}),
    },
    ExclusiveStartKey: startKey,
    // One more than needed tells whether another page exists; a filter may drop some, so read a bit more.
    Limit: meter.nextLimit(filterModel ? Math.max(remaining + 1, 100) : remaining + 1),
    ReturnConsumedCapacity: 'TOTAL',
  };
};

const getWindows = async (request: ApiRequest, deps: LookupDeps) => {
  const deviceId = parseDeviceId(request.params.deviceId ?? '');
  const to = request.query.to === undefined ? deps.now() : parseIsoTime('to', request.query.to);
  const from = request.query.from === undefined ? to - HOUR_MS : parseIsoTime('from', request.query.from);
  if (from > to) throw badRequest('from must not be after to');
  if (to - from > MAX_WINDOW_RANGE_MS) throw badRequest('from..to may span at most 24 hours');

  const read = await readWindowsConsistently(deps, deviceId, from, to);
  const windows = windowsInRange(
    read.windowItems,
    read.device,
    { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    Math.floor(deps.now() / 1000),
  );
  return json(200, { deviceId, resolution: '1m', windows: windows.map(toWindowView) });
};

/** Reads of a device's windows that raced its minute closing, before giving up with a 503. */
const WINDOW_READ_ATTEMPTS = 5;

/**
 * The latest minute lives in the device item (its open window) until a close moves it into a window item (in a
 * transaction, or through the device's closed window and its copy) and opens the next. A read of the device and a
 * query of its window items can straddle that move and see the minute in both (doubled) or neither (missing). So:
 * read the device, query the windows, read the device again, and accept only when the open minute and the closed
 * window did not move in between (all reads strongly consistent).
 */
const readWindowsConsistently = async (deps: LookupDeps, deviceId: string, from: number, to: number) => {
  let before = await readOpenWindow(deps, deviceId);
  for (let attempt = 1; attempt <= WINDOW_READ_ATTEMPTS; attempt++) {
    if (before === undefined) throw notFound(`device ${deviceId} not found`);
    const windowItems = await queryWindows(deps, deviceId, from, to);
    const after = await readOpenWindow(deps, deviceId);
    // The open minute, and the closed window the device may still hold, must not have moved in between.
    if (
      after !== undefined &&
      after.openWindow?.start === before.openWindow?.start &&
      after.closedWindow?.at === before.closedWindow?.at
    )
      return { device: after, windowItems };
    before = after;
  }
  throw unavailable(`device ${deviceId}'s windows changed during ${WINDOW_READ_ATTEMPTS} reads; retry`);
};

const readOpenWindow = async (deps: LookupDeps, deviceId: string): Promise<DeviceItem | undefined> =>
  (
    await deps.db.send(
      new GetCommand({
        TableName: deps.tables.state,
        Key: deviceKey(deviceId),
        ProjectionExpression: 'pk, openWindow, closedWindow',
        ConsistentRead: true,
      }),
    )
  ).Item as DeviceItem | undefined;

/** Windows whose minute starts within [from, to] (from rounded down to its minute). */
const queryWindows = async (deps: LookupDeps, deviceId: string, from: number, to: number) => {
  const items: WindowItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await deps.db.send(
      new QueryCommand({
        TableName: deps.tables.state,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ConsistentRead: true,
        ExpressionAttributeValues: {
          ':pk': windowKey(deviceId, '').pk,
          ':from': windowKey(deviceId, windowStart(from)).sk,
          ':to': windowKey(deviceId, windowStart(to)).sk,
        },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((result.Items ?? []) as WindowItem[]));
    startKey = result.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
};

export const deviceRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/devices', query: ['status', 'model', 'limit', 'cursor'], handler: listDevices },
  { method: 'GET', pattern: '/devices/{deviceId}', handler: getDevice },
  { method: 'GET', pattern: '/devices/{deviceId}/windows', query: ['from', 'to'], handler: getWindows },
];
