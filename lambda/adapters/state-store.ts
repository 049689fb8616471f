/**
 * The state table behind the processor's StateStore port: BatchGet (strongly consistent unless asked otherwise), Puts conditional on the
 * version read, TransactWriteItems for devices + their partition's fleet item. Throttling and transaction conflicts are retried with
 * backoff here; a failed version condition is reported to the caller, which re-reads and re-plans the item.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '#core/items/keys.ts';
import { itemId } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { ConditionalWrite, ReadOptions, StateStore } from '#core/ports.ts';
import {
  type BackoffOptions,
  isRetryable,
  RetryableError,
  THROTTLING_ERRORS,
  withBackoff,
} from './backoff.ts';
import { batchGetAll } from './batch-get.ts';
import { conditionalPut } from './conditional-put.ts';
import { addCapacity, createCounters, type DynamoDbCounters } from './dynamodb-counters.ts';
import { versionCondition } from './version-condition.ts';

const RETRYABLE_CANCELLATIONS = new Set(THROTTLING_ERRORS);
/**
 * Item-level reasons that mean "someone else wrote (or is writing) this item": reported to the caller like a failed
 * version condition, so it re-reads and re-plans that item (with its own backoff) instead of resending a transaction
 * whose conditions are about to fail anyway.
 */
const CONFLICT_CANCELLATIONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

interface CancellationReason {
  Code?: string;
}

export class DynamoDbStateStore implements StateStore {
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly backoff: BackoffOptions = {},
    counters?: DynamoDbCounters,
  ) {
    this.counters = counters ?? createCounters();
  }

  async read(keys: readonly ItemKey[], options: ReadOptions = {}): Promise<Map<string, StateItem>> {
    const items = await batchGetAll(
      this.client,
      this.table,
      keys.map(({ pk, sk }) => ({ pk, sk })),
      { consistentRead: options.consistent ?? true, counters: this.counters, backoff: this.backoff },
    );
    return new Map(items.map((item) => [itemId(item as unknown as ItemKey), item as unknown as StateItem]));
  }

  async put(write: ConditionalWrite): Promise<boolean> {
    const written = await conditionalPut(
      this.client,
      { TableName: this.table, Item: write.item, ...versionCondition(write.expectedVersion) },
      this.counters,
      this.backoff,
    );
    if (!written) this.counters.conditionalFailures += 1;
    return written;
  }

  async transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    return this.retrying(async () => {
      this.counters.writeRequests += 1;
      try {
        const out = await this.client.send(
          new TransactWriteCommand({
            TransactItems: writes.map((w) => ({
              Put: { TableName: this.table, Item: w.item, ...versionCondition(w.expectedVersion) },
            })),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        addCapacity(this.counters, 'write', out.ConsumedCapacity);
        this.counters.itemsWritten += writes.length;
        return [];
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        const reasons = (
          (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []
        ).map((r) => r.Code ?? 'None');
        const failed = reasons.flatMap((code, index) => (CONFLICT_CANCELLATIONS.has(code) ? [index] : []));
        if (failed.length > 0) {
          this.counters.conditionalFailures += failed.length;
          return failed;
        }
        if (reasons.some((code) => RETRYABLE_CANCELLATIONS.has(code)))
          throw new RetryableError(`transaction cancelled: ${reasons.join(', ')}`);
        throw error;
      }
    });
  }

  private retrying<T>(operation: () => Promise<T>): Promise<T> {
    return withBackoff(operation, isRetryable, this.backoff, () => {
      this.counters.throttled += 1;
    });
  }
}
