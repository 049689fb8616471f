/**
 * The rules (parameter) table, scanned at most once per TTL (RULES_CACHE_SECONDS, default DEFAULT_RULES_CACHE_SECONDS) so a changed rule
 * takes effect within that time without a deploy. Stored rules that fail validation are skipped and reported.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_RULES_CACHE_SECONDS } from '#core/contract/index.ts';
import type { Log, RulesSource } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { validateRule } from '#core/rules.ts';
import { type BackoffOptions, isRetryable, withBackoff } from './backoff.ts';
import { addCapacity, createCounters, type DynamoDbCounters } from './dynamodb-counters.ts';

export interface RulesCacheOptions {
  ttlSeconds?: number;
  clock?: () => number;
  logger?: Log;
  backoff?: BackoffOptions;
  counters?: DynamoDbCounters;
}

export class DynamoDbRulesCache implements RulesSource {
  private cached: { rules: Rule[]; expires: number } | undefined;
  readonly counters: DynamoDbCounters;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: RulesCacheOptions = {},
  ) {
    this.counters = options.counters ?? createCounters();
  }

  async rules(): Promise<Rule[]> {
    const now = (this.options.clock ?? Date.now)();
    if (this.cached && now < this.cached.expires) return this.cached.rules;
    const rules = await this.scan();
    this.cached = { rules, expires: now + (this.options.ttlSeconds ?? DEFAULT_RULES_CACHE_SECONDS) * 1000 };
    return rules;
  }

  private async scan(): Promise<Rule[]> {
    const rules: Rule[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await withBackoff(
        () => {
          this.counters.readRequests += 1;
          return this.client.send(
            new ScanCommand({
              TableName: this.table,
              ExclusiveStartKey: startKey,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
        },
        isRetryable,
        this.options.backoff,
      );
      addCapacity(this.counters, 'read', out.ConsumedCapacity);
      for (const row of out.Items ?? []) {
        this.counters.itemsRead += 1;
        const valid = validateRule(row);
        if (valid.ok) rules.push(valid.rule);
        else
          this.options.logger?.warn('skipping invalid stored rule', {
            ruleId: row.ruleId,
            reason: valid.reason,
          });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return rules.sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
  }
}
