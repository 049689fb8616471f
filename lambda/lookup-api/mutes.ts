/** PUT|GET|DELETE /mutes/{muteId} and GET /mutes: mutes live in the operator table under pk `MUTE`. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { isActive, MUTE_LIMITS, MUTE_PARTITION, type Mute, muteFromItem, muteKey } from '#core/operator.ts';
import type { LookupDeps } from './deps.ts';
import { badRequest, json, noContent, notFound } from './http.ts';
import { parseMuteDocument } from './mute-document.ts';
import type { ApiRequest, Route } from './router.ts';
import { parseRuleId } from './validation.ts';

export interface MuteView {
  muteId: string;
  deviceId?: string;
  model?: string;
  until: string;
  comment?: string;
  createdBy: string;
  updatedAt: string;
  active: boolean;
}

export const toMuteView = (mute: Mute, nowMs: number): MuteView => ({
  muteId: mute.muteId,
  ...mute.target,
  until: mute.until,
  ...(mute.comment === undefined ? {} : { comment: mute.comment }),
  createdBy: mute.createdBy,
  updatedAt: mute.updatedAt,
  active: isActive(mute, nowMs),
});

/** Every stored mute (at most MUTE_LIMITS.maxMutes, plus expired ones until their TTL), by muteId. */
export const loadMutes = async (deps: LookupDeps): Promise<Mute[]> => {
  const mutes: Mute[] = [];
  for await (const page of paginateQuery(
    { client: deps.db },
    {
      TableName: deps.tables.operator,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': MUTE_PARTITION },
    },
  ))
    for (const item of page.Items ?? []) {
      const mute = muteFromItem(item);
      if (mute !== undefined) mutes.push(mute);
    }
  return mutes;
};

/** A mute id: the rule id's alphabet (1-128 of `A-Z a-z 0-9 . _ : -`, starting alphanumeric). */
const parseMuteId = (raw: string): string => {
  try {
    return parseRuleId(raw);
  } catch {
    throw badRequest(
      'muteId must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit',
    );
  }
};

const listMutes = async (_request: ApiRequest, deps: LookupDeps) => {
  const now = deps.now();
  return json(200, { items: (await loadMutes(deps)).map((mute) => toMuteView(mute, now)) });
};

const getMute = async (request: ApiRequest, deps: LookupDeps) => {
  const muteId = parseMuteId(request.params.muteId ?? '');
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tables.operator, Key: muteKey(muteId) }),
  );
  const mute = Item === undefined ? undefined : muteFromItem(Item);
  if (mute === undefined) throw notFound(`mute ${muteId} not found`);
  return json(200, toMuteView(mute, deps.now()));
};

/**
 * Creates or replaces a mute. A new one is refused once MUTE_LIMITS.maxMutes are stored (expired ones count until
 * their TTL); as with rules, concurrent creations may pass the count together.
 */
const putMute = async (request: ApiRequest, deps: LookupDeps) => {
  const muteId = parseMuteId(request.params.muteId ?? '');
  const now = deps.now();
  const document = parseMuteDocument(muteId, request.body, now);
  const existing = await deps.db.send(
    new GetCommand({ TableName: deps.tables.operator, Key: muteKey(muteId), ConsistentRead: true }),
  );
  if (existing.Item === undefined && (await loadMutes(deps)).length >= MUTE_LIMITS.maxMutes)
    throw badRequest(`at most ${MUTE_LIMITS.maxMutes} mutes; delete one before adding another`);
  const mute: Mute = {
    muteId,
    target: document.target,
    until: document.until,
    ...(document.comment === undefined ? {} : { comment: document.comment }),
    createdBy: request.caller,
    updatedAt: new Date(now).toISOString(),
  };
  const expiresAt = Math.ceil((Date.parse(mute.until) + MUTE_LIMITS.retainAfterUntilMs) / 1000);
  const { target, ...rest } = mute;
  await deps.db.send(
    new PutCommand({
      TableName: deps.tables.operator,
      Item: { ...muteKey(muteId), ...rest, ...target, expiresAt },
    }),
  );
  return json(200, toMuteView(mute, now));
};

const deleteMute = async (request: ApiRequest, deps: LookupDeps) => {
  const muteId = parseMuteId(request.params.muteId ?? '');
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.tables.operator,
        Key: muteKey(muteId),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw notFound(`mute ${muteId} not found`);
    throw error;
  }
  return noContent();
};

export const muteRoutes: Route<LookupDeps>[] = [
  { method: 'GET', pattern: '/mutes', handler: listMutes },
  { method: 'GET', pattern: '/mutes/{muteId}', handler: getMute },
  { method: 'PUT', pattern: '/mutes/{muteId}', handler: putMute },
  { method: 'DELETE', pattern: '/mutes/{muteId}', handler: deleteMute },
];
