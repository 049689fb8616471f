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

export class DynamoDbAlertsStore implements AlertSink {
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly backoff: BackoffOptions = {},
    counters?: DynamoDbCounters,
    private readonly concurrency = 8,
  ) {
    this.counters = counters ?? createCounters();
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
