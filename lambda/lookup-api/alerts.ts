import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#adapters/batch-get.ts';
import { createCounters } from '#adapters/dynamodb-counters.ts';
import {
  type AlertState,
  type EpisodeDevice,
  type EpisodeItem,
  EpisodeReader,
  episodeDeviceOf,
  isAlertState,
} from '#core/alert-episode.ts';
import { GSI_ALERTS_BY_DAY } from '#core/contract/index.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey } from '#core/items/keys.ts';
import { matchingMute } from '#core/operator.ts';
import { ackRoutes, loadAcks, toAckView } from './acks.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json } from './http.ts';
import { toAlertView } from './mappers.ts';
import { loadMutes } from './mutes.ts';
import type { ApiRequest, Route } from './router.ts';
import { parseDeviceId, parseIsoTime, parseLimit } from './validation.ts';

const DAY_MS = 86_400_000;
// Without a device the history is read day by day (GSI byDay); bound how many days one request may walk.
export const MAX_FLEET_ALERT_DAYS = 31;
/** A state-filtered listing reads at most this many DynamoDB pages of alerts (narrow `since` to reach further). */
export const MAX_FILTERED_PAGES = 20;
const PAGE_SIZE = 100;

type Page = { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
type PageQuery = (startKey: Record<string, unknown> | undefined, max: number) => Promise<Page>;

interface Listing {
  readonly deviceId?: string;
  readonly since: number;
  readonly now: number;
}

/** The queries that read a listing newest first: the device's partition, or GSI byDay from today backwards. */
const pageQueries = (deps: LookupDeps, listing: Listing): PageQuery[] => {
  // alertKey = `<at>#<alertId>` with `at` in canonical ISO form, so a key comparison is a time comparison.
  const sinceKey = new Date(listing.since).toISOString();
  const query =
    (condition: string, values: Record<string, string>, index?: string): PageQuery =>
    (startKey, max) =>
      deps.db.send(
        new QueryCommand({
          TableName: deps.tables.alerts,
          IndexName: index,
          KeyConditionExpression: condition,
          ...(index === undefined ? {} : { ExpressionAttributeNames: { '#day': 'day' } }),
          ExpressionAttributeValues: { ...values, ':since': sinceKey },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          Limit: max,
        }),
      );
  if (listing.deviceId !== undefined)
    return [query('deviceId = :d AND alertKey >= :since', { ':d': listing.deviceId })];
  const days: PageQuery[] = [];
  for (let day = utcDay(listing.now); day >= utcDay(listing.since); day -= DAY_MS)
    days.push(
      query(
        '#day = :day AND alertKey >= :since',
        { ':day': new Date(day).toISOString().slice(0, 10) },
        GSI_ALERTS_BY_DAY,
      ),
    );
  return days;
};

const utcDay = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

/** Reads the devices' items (firing rules, open episodes), for episodes (lambda/core/alert-episode.ts). */
const loadDevices = async (
  deps: LookupDeps,
  deviceIds: readonly string[],
  into: Map<string, EpisodeDevice | undefined>,
) => {
  const missing = [...new Set(deviceIds)].filter((id) => !into.has(id));
  if (missing.length === 0) return;
  const items = (await batchGetAll(
    deps.db,
    deps.tables.state,
    missing.map((id) => ({ ...deviceKey(id) })),
    {
      consistentRead: false,
      counters: createCounters(),
    },
  )) as unknown as DeviceItem[];
  for (const id of missing) into.set(id, undefined);
  for (const item of items) into.set(item.deviceId, episodeDeviceOf(item));
};

interface Walked {
  readonly item: EpisodeItem;
  readonly episode: ReturnType<EpisodeReader['next']>;
}

/** Alerts newest first with their episode, those in `state` (all when undefined), until `limit` or the range ends. */
const walk = async (deps: LookupDeps, listing: Listing, limit: number, state?: AlertState) => {
  const devices = new Map<string, EpisodeDevice | undefined>();
  const reader = new EpisodeReader((deviceId) => devices.get(deviceId));
  const kept: Walked[] = [];
  let pages = 0;
  for (const query of pageQueries(deps, listing)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (state !== undefined && pages >= MAX_FILTERED_PAGES) return kept;
      const page = await query(startKey, state === undefined ? limit - kept.length : PAGE_SIZE);
      pages++;
      const items = (page.Items ?? []) as unknown as EpisodeItem[];
      await loadDevices(
        deps,
        items.map((item) => item.deviceId),
        devices,
      );
      for (const item of items) {
        const episode = reader.next(item);
        if (kept.length < limit && (state === undefined || episode.state === state))
          kept.push({ item, episode });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && kept.length < limit);
    if (kept.length >= limit) return kept;
  }
  return kept;
};

/** Newest first, as episodes, with who acknowledged them and whether a mute covers them. */
const listAlerts = async (request: ApiRequest, deps: LookupDeps) => {
  const now = deps.now();
  const deviceId = request.query.deviceId === undefined ? undefined : parseDeviceId(request.query.deviceId);
  const since = request.query.since === undefined ? now - DAY_MS : parseIsoTime('since', request.query.since);
  const limit = parseLimit(request.query.limit);
  const state = request.query.state;
  if (state !== undefined && !isAlertState(state)) throw badRequest('state must be firing or resolved');
  if (deviceId === undefined && now - since > MAX_FLEET_ALERT_DAYS * DAY_MS)
    throw badRequest(`since may reach back at most ${MAX_FLEET_ALERT_DAYS} days unless deviceId is given`);

  const walked = await walk(deps, { deviceId, since, now }, limit, state);
  const [acks, mutes] = await Promise.all([
    loadAcks(
      deps,
      walked.map(({ item }) => item.alertId),
    ),
    loadMutes(deps),
  ]);
  const items = walked.map(({ item, episode }) => {
    const ack = acks.get(item.alertId);
    return {
      ...toAlertView(item),
      ...episode,
      acknowledged: ack === undefined ? null : toAckView(ack),
      muted:
        item.muted === true || (episode.state === 'firing' && matchingMute(mutes, item, now) !== undefined),
    };
  });
  return json(200, { items });
};

export const alertRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/alerts', query: ['deviceId', 'since', 'limit', 'state'], handler: listAlerts },
  ...ackRoutes,
];
