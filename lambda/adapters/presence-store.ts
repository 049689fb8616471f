/**
 * The presence index in the state table (items/presence.ts): one UpdateItem per chunk, `ADD ids :ids` (a string set)
 * and `SET expiresAt`. A retry or an overlapping invocation only adds ids already there, so it is idempotent.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '#core/concurrency.ts';
import type { PresenceEntry, PresenceSink } from '#core/ports.ts';
import { type BackoffOptions, isRetryable, withBackoff } from './backoff.ts';
import { addCapacity, createCounters, type DynamoDbCounters } from './dynamodb-counters.ts';

export interface PresenceStoreOptions {
  readonly backoff?: BackoffOptions;
  readonly counters?: DynamoDbCounters;
  /** Updates in flight at once. @default 8 */
  readonly concurrency?: number;
}

export class DynamoDbPresenceStore implements PresenceSink {
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: PresenceStoreOptions = {},
  ) {
    this.counters = options.counters ?? createCounters();
  }

  async add(entries: readonly PresenceEntry[]): Promise<void> {
    await forEachLimit(entries, this.options.concurrency ?? 8, (entry) => this.addOne(entry));
  }

  private addOne(entry: PresenceEntry): Promise<void> {
    return withBackoff(
      async () => {
        this.counters.writeRequests += 1;
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: entry.key.pk, sk: entry.key.sk },
            UpdateExpression: 'ADD ids :ids SET expiresAt = :expiresAt',
            ExpressionAttributeValues: { ':ids': new Set(entry.ids), ':expiresAt': entry.expiresAt },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        addCapacity(this.counters, 'write', out.ConsumedCapacity);
        this.counters.itemsWritten += 1;
      },
      isRetryable,
      this.options.backoff ?? {},
      () => {
        this.counters.throttled += 1;
      },
    );
  }
}
