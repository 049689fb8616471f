/**
 * The silence sweep's store (silence-sweep/ports.ts SweepStore) on the state and alerts tables: its own items with
 * version-conditional Puts, presence chunks by Query, devices by strongly consistent BatchGet, the mark and its alert
 * in one TransactWriteItems across both tables, stall alerts Put once and resolved by a conditional Update.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey, type ItemKey } from '#core/items/keys.ts';
import { presencePk, presenceTopicPrefix } from '#core/items/presence.ts';
import type { FireOutcome, SweepItem, SweepStore } from '#core/silence/ports.ts';
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

export interface SweepStoreTables {
  readonly state: string;
  readonly alerts: string;
}

const ALERT_ABSENT = { ConditionExpression: 'attribute_not_exists(alertKey)' };

export class DynamoDbSweepStore implements SweepStore {
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: SweepStoreTables,
    private readonly backoff: BackoffOptions = {},
  ) {
    this.counters = createCounters();
  }

  private retrying<T>(operation: () => Promise<T>): Promise<T> {
    return withBackoff(operation, isRetryable, this.backoff, () => {
      this.counters.throttled += 1;
    });
  }

  async readItem<T extends SweepItem>(key: ItemKey): Promise<T | undefined> {
    const out = await this.retrying(() => {
      this.counters.readRequests += 1;
      return this.client.send(
        new GetCommand({
          TableName: this.tables.state,
          Key: { pk: key.pk, sk: key.sk },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    });
    addCapacity(this.counters, 'read', out.ConsumedCapacity);
    return out.Item as T | undefined;
  }

  putItem(item: SweepItem, expectedVersion: number | null): Promise<boolean> {
    return conditionalPut(
      this.client,
      { TableName: this.tables.state, Item: item, ...versionCondition(expectedVersion) },
      this.counters,
      this.backoff,
    );
  }

  async presence(slot: string, partition: number, topic: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.retrying(() => {
        this.counters.readRequests += 1;
        return this.client.send(
          new QueryCommand({
            TableName: this.tables.state,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :topic)',
            ExpressionAttributeValues: {
              ':pk': presencePk(slot, partition),
              ':topic': presenceTopicPrefix(topic),
            },
            ProjectionExpression: 'ids',
            ExclusiveStartKey: startKey,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      });
      addCapacity(this.counters, 'read', out.ConsumedCapacity);
      for (const item of out.Items ?? []) ids.push(...((item.ids as Set<string> | undefined) ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return ids;
  }

  async readDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceItem>> {
    const items = await batchGetAll(
      this.client,
      this.tables.state,
      deviceIds.map((id) => ({ ...deviceKey(id) })),
      { consistentRead: true, counters: this.counters, backoff: this.backoff },
    );
    return new Map(
      items.map((item) => [(item as unknown as DeviceItem).deviceId, item as unknown as DeviceItem]),
    );
  }

  fire(marked: DeviceItem, expectedVersion: number, alert: AlertItem): Promise<FireOutcome> {
    return this.retrying(async () => {
      this.counters.writeRequests += 1;
      try {
        const out = await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tables.state, Item: marked, ...versionCondition(expectedVersion) } },
              { Put: { TableName: this.tables.alerts, Item: alert, ...ALERT_ABSENT } },
            ],
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        addCapacity(this.counters, 'write', out.ConsumedCapacity);
        this.counters.itemsWritten += 2;
        return 'fired';
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        const codes = (
          (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
        ).map((r) => r.Code ?? 'None');
        if (codes[0] === 'ConditionalCheckFailed' || codes[0] === 'TransactionConflict')
          return 'device-changed';
        if (codes[1] === 'ConditionalCheckFailed') return 'alert-exists';
        if (codes.some((code) => THROTTLING_ERRORS.has(code)))
          throw new RetryableError(`transaction cancelled: ${codes.join(', ')}`);
        throw error;
      }
    });
  }

  mark(marked: DeviceItem, expectedVersion: number): Promise<boolean> {
    return conditionalPut(
      this.client,
      { TableName: this.tables.state, Item: marked, ...versionCondition(expectedVersion) },
      this.counters,
      this.backoff,
    );
  }

  async putAlert(alert: AlertItem): Promise<void> {
    await conditionalPut(
      this.client,
      { TableName: this.tables.alerts, Item: alert, ...ALERT_ABSENT },
      this.counters,
      this.backoff,
    );
  }

  async resolveAlert(key: { deviceId: string; alertKey: string }, endsAt: string): Promise<void> {
    try {
      await this.retrying(() => {
        this.counters.writeRequests += 1;
        return this.client.send(
          new UpdateCommand({
            TableName: this.tables.alerts,
            Key: { deviceId: key.deviceId, alertKey: key.alertKey },
            UpdateExpression: 'SET #state = :resolved, endsAt = :endsAt',
            ConditionExpression: 'attribute_exists(alertKey) AND #state = :firing',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':resolved': 'resolved', ':firing': 'firing', ':endsAt': endsAt },
          }),
        );
      });
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
