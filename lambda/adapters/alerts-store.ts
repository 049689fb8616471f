/**
 * The alerts table: one Put per alert, conditional on the alert not existing yet. Alert ids are deterministic,
 * so "already exists" means a previous attempt wrote it: success, not an error. A resolution is one Update per
 * episode, conditional on the alert existing and not being resolved yet: the first one wins (one MODIFY to `resolved`
 * reaches the stream), a failed condition means it is done (or the alert is unknown): success too.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '#core/concurrency.ts';
import { type AlertItem, type AlertResolve, RESOLVED } from '#core/items/alert.ts';
import type { AlertSink } from '#core/ports.ts';
import type { BackoffOptions } from './backoff.ts';
import { conditionalPut, conditionalUpdate } from './conditional-put.ts';
import { createCounters, type DynamoDbCounters } from './dynamodb-counters.ts';

export interface AlertsStoreOptions {
  /** @default the adapters' backoff defaults */
  readonly backoff?: BackoffOptions;
  /** Shared with the other stores of the invocation. @default fresh counters */
  readonly counters?: DynamoDbCounters;
  /** Puts in flight at once. @default 8 */
  readonly concurrency?: number;
}

export class DynamoDbAlertsStore implements AlertSink {
  readonly counters: DynamoDbCounters;
  private readonly backoff: BackoffOptions;
  private readonly concurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    options: AlertsStoreOptions = {},
  ) {
    this.backoff = options.backoff ?? {};
    this.counters = options.counters ?? createCounters();
    this.concurrency = options.concurrency ?? 8;
  }

  async write(alerts: readonly AlertItem[]): Promise<void> {
    await forEachLimit(alerts, this.concurrency, async (alert) => {
      await conditionalPut(
        this.client,
        { TableName: this.table, Item: alert, ConditionExpression: 'attribute_not_exists(alertKey)' },
        this.counters,
        this.backoff,
      );
    });
  }

  async resolve(resolves: readonly AlertResolve[]): Promise<void> {
    await forEachLimit(resolves, this.concurrency, async ({ deviceId, alertKey, endsAt }) => {
      await conditionalUpdate(
        this.client,
        resolveInput(this.table, { deviceId, alertKey, endsAt }),
        this.counters,
        this.backoff,
      );
    });
  }
}

/** `SET state = resolved, endsAt` if the alert exists and is not resolved (items without `state` predate episodes). */
export const resolveInput = (table: string, resolve: AlertResolve) => ({
  TableName: table,
  Key: { deviceId: resolve.deviceId, alertKey: resolve.alertKey },
  UpdateExpression: 'SET #state = :resolved, endsAt = :endsAt',
  ConditionExpression: 'attribute_exists(alertKey) AND (attribute_not_exists(#state) OR #state <> :resolved)',
  ExpressionAttributeNames: { '#state': 'state' },
  ExpressionAttributeValues: { ':resolved': RESOLVED, ':endsAt': resolve.endsAt },
});
