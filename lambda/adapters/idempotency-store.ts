/**
 * The ingest route's idempotency records in DynamoDB: one conditional Put claims a key, a conditional Put stores the
 * answer, a conditional Delete releases a failed claim. Items expire through the table's TTL; until TTL removes them,
 * the expiry time in the condition keeps an expired key claimable.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { IDEMPOTENCY_IN_PROGRESS_SECONDS, IDEMPOTENCY_WINDOW_SECONDS } from '#core/contract/index.ts';
import type { Claim, IdempotencyStore, StoredAnswer } from '#core/idempotency.ts';

const IN_PROGRESS = 'IN_PROGRESS';
const COMPLETED = 'COMPLETED';
const seconds = (ms: number) => Math.floor(ms / 1000);

const failedCondition = (error: unknown): boolean =>
  (error as Error).name === 'ConditionalCheckFailedException';

/** The table the records live in. */
interface Target {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
}

/** Sends a conditional write: true when it applied, false when its condition failed (another request won). */
const applied = async (send: () => Promise<unknown>): Promise<boolean> => {
  try {
    await send();
    return true;
  } catch (error) {
    if (failedCondition(error)) return false;
    throw error;
  }
};

/** Only while this key's claim is ours: in progress, for the same body. */
const OURS = {
  ConditionExpression: '#state = :inProgress AND fingerprint = :fingerprint',
  ExpressionAttributeNames: { '#state': 'state' },
};
const ours = (fingerprint: string) => ({
  ...OURS,
  ExpressionAttributeValues: { ':inProgress': IN_PROGRESS, ':fingerprint': fingerprint },
});

const tryClaim = (target: Target, id: string, fingerprint: string, now: number): Promise<boolean> =>
  applied(() =>
    target.db.send(
      new PutCommand({
        TableName: target.table,
        Item: {
          pk: id,
          state: IN_PROGRESS,
          fingerprint,
          lockedUntil: now + IDEMPOTENCY_IN_PROGRESS_SECONDS,
          expiresAt: now + IDEMPOTENCY_WINDOW_SECONDS,
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :inProgress AND lockedUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':now': now, ':inProgress': IN_PROGRESS },
      }),
    ),
  );

const existing = async (target: Target, id: string, fingerprint: string): Promise<Claim | null> => {
  const out = await target.db.send(
    new GetCommand({ TableName: target.table, Key: { pk: id }, ConsistentRead: true }),
  );
  const item = out.Item;
  if (item === undefined) return null;
  if (item.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (item.state !== COMPLETED) return { kind: 'in-progress' };
  return { kind: 'replay', answer: { statusCode: Number(item.statusCode), body: String(item.body) } };
};

export const dynamoIdempotencyStore = (db: DynamoDBDocumentClient, table: string): IdempotencyStore => {
  const target: Target = { db, table };
  return {
    async claim(id, fingerprint, nowMs) {
      const now = seconds(nowMs);
      // Twice: the item may vanish (released, or removed by TTL) between a failed claim and the read.
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await tryClaim(target, id, fingerprint, now)) return { kind: 'claimed' };
        const claim = await existing(target, id, fingerprint);
        if (claim !== null) return claim;
      }
      return { kind: 'in-progress' };
    },
    async complete(id, fingerprint, answer: StoredAnswer, nowMs) {
      const item = {
        pk: id,
        state: COMPLETED,
        fingerprint,
        statusCode: answer.statusCode,
        body: answer.body,
        expiresAt: seconds(nowMs) + IDEMPOTENCY_WINDOW_SECONDS,
      };
      // Not applied: another request re-claimed an expired lock meanwhile, and its answer wins.
      await applied(() => db.send(new PutCommand({ TableName: table, Item: item, ...ours(fingerprint) })));
    },
    async release(id, fingerprint) {
      await applied(() =>
        db.send(new DeleteCommand({ TableName: table, Key: { pk: id }, ...ours(fingerprint) })),
      );
    },
  };
};
