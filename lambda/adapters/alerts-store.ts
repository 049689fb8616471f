/**
 * The alerts table: one Put per alert, conditional on the alert not existing yet. Alert ids are deterministic,
 * so "already exists" means a previous attempt wrote it: success, not an error.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '#core/concurrency.ts';
import type { AlertItem } from '#core/items/alert.ts';
import type { AlertSink } from '#core/ports.ts';
import type { BackoffOptions } from './backoff.ts';
import { conditionalPut } from './conditional-put.ts';
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
}
