/** POST /alerts/{alertId}/ack and reading acknowledgements (operator table, pk `ACK#<alertId>`). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#adapters/batch-get.ts';
import { createCounters } from '#adapters/dynamodb-counters.ts';
import { ACK_SORT_KEY, type Acknowledgement, ALERT_ID, ackKey } from '#core/operator.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json, unavailable } from './http.ts';
import { parseAckDocument } from './mute-document.ts';
import type { ApiRequest, Route } from './router.ts';

export type AckView = { by: string; at: string; comment?: string };

const ackFromItem = (item: Record<string, unknown>): Acknowledgement | undefined => {
  const { alertId, by, at, comment } = item;
  if (typeof alertId !== 'string' || typeof by !== 'string' || typeof at !== 'string') return undefined;
  return { alertId, by, at, ...(typeof comment === 'string' ? { comment } : {}) };
};

export const toAckView = (ack: Acknowledgement): AckView => ({
  by: ack.by,
  at: ack.at,
  ...(ack.comment === undefined ? {} : { comment: ack.comment }),
});

/** The acknowledgements of these alerts (alertId → ack). */
export const loadAcks = async (
  deps: LookupDeps,
  alertIds: readonly string[],
): Promise<Map<string, Acknowledgement>> => {
  const items = await batchGetAll(deps.db, deps.tables.operator, [...new Set(alertIds)].map(ackKey), {
    consistentRead: false,
    counters: createCounters(),
  });
  const acks = new Map<string, Acknowledgement>();
  for (const item of items) {
    const ack = item.sk === ACK_SORT_KEY ? ackFromItem(item) : undefined;
    if (ack !== undefined) acks.set(ack.alertId, ack);
  }
  return acks;
};

/**
 * Records who acknowledged an alert and when. The first acknowledgement stands: a repeated one answers the stored
 * one (200 either way), so a retried request is harmless. The id is checked for form (an alert id is 32 lowercase
 * hex characters), not for existence: the alerts table is keyed by device and time, not by id.
 */
const ackAlert = async (request: ApiRequest, deps: LookupDeps) => {
  const alertId = request.params.alertId ?? '';
  if (!ALERT_ID.test(alertId)) throw badRequest('alertId must be 32 lowercase hexadecimal characters');
  const { comment } = parseAckDocument(request.body);
  const ack: Acknowledgement = {
    alertId,
    by: request.caller,
    at: new Date(deps.now()).toISOString(),
    ...(comment === undefined ? {} : { comment }),
  };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.tables.operator,
        Item: { ...ackKey(alertId), ...ack },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return json(200, { alertId, acknowledged: toAckView(ack) });
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tables.operator, Key: ackKey(alertId), ConsistentRead: true }),
  );
  const stored = Item === undefined ? undefined : ackFromItem(Item);
  if (stored === undefined) throw unavailable('acknowledgement changed while being written; retry');
  return json(200, { alertId, acknowledged: toAckView(stored) });
};

export const ackRoutes: Route<LookupDeps>[] = [
  { method: 'POST', pattern: '/alerts/{alertId}/ack', handler: ackAlert },
];
