/**
 * The mutes of the operator table (pk `MUTE`), queried at most once per TTL (default 30 s, as rules), so a new mute
 * holds notifications back within that time.
 */
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MUTES_CACHE_SECONDS } from '#core/contract/index.ts';
import { MUTE_PARTITION, type Mute, muteFromItem } from '#core/operator.ts';

export interface MutesCacheOptions {
  /** @default 30 */
  readonly ttlSeconds?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

export const createMutesCache = (
  client: DynamoDBDocumentClient,
  table: string,
  options: MutesCacheOptions = {},
): (() => Promise<Mute[]>) => {
  let cached: { mutes: Mute[]; expires: number } | undefined;
  return async () => {
    const now = (options.clock ?? Date.now)();
    if (cached !== undefined && now < cached.expires) return cached.mutes;
    const mutes: Mute[] = [];
    for await (const page of paginateQuery(
      { client },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': MUTE_PARTITION },
      },
    ))
      for (const item of page.Items ?? []) {
        const mute = muteFromItem(item);
        if (mute !== undefined) mutes.push(mute);
      }
    cached = { mutes, expires: now + (options.ttlSeconds ?? DEFAULT_MUTES_CACHE_SECONDS) * 1000 };
    return mutes;
  };
};
