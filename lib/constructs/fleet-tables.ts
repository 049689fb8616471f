import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  type IndexProjection,
  type KeySchema,
  TABLE_IDS,
  TABLES,
  type TableId,
  type TableSpec,
} from '#core/contract/index.ts';
import type { TableCap, WarmThroughput } from '#lib/config/guardrails.ts';

export interface FleetTablesProps {
  /** Turn on DynamoDB deletion protection and retain the tables when the stack is deleted. @default true */
  readonly deletionProtection?: boolean;
  /**
   * On-demand maxima (`OnDemandThroughput`) of each table, applied to the table and to each of its indexes: requests
   * beyond them are throttled (a cost and runaway guard). @default - no maximum (DynamoDB's 40,000-unit table quota)
   */
  readonly caps?: Readonly<Record<TableId, TableCap>>;
  /** Pre-warm the state table for a known launch. @default - DynamoDB's default warm throughput */
  readonly stateWarmThroughput?: WarmThroughput;
}

const S = dynamodb.AttributeType.STRING;

const keysOf = (keys: KeySchema): Pick<dynamodb.TableProps, 'partitionKey' | 'sortKey'> => ({
  partitionKey: { name: keys.partitionKey, type: S },
  sortKey: keys.sortKey === undefined ? undefined : { name: keys.sortKey, type: S },
});

const projectionOf = (
  projection: IndexProjection,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> =>
  projection.type === 'INCLUDE'
    ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projection.nonKeyAttributes] }
    : { projectionType: dynamodb.ProjectionType[projection.type] };

/**
 * The tables of docs/DATA_MODEL.md, built from the shared contract (`TABLES`: keys, GSIs, TTL, stream; the local
 * runtime creates the same from it) —
 * all on-demand, point-in-time recovery on, encrypted with the AWS-managed key.
 */
export class FleetTables extends Construct {
  /** Device state, lifetime aggregates, per-minute windows (TTL `expiresAt`), fleet shards. */
  readonly state: dynamodb.Table;
  readonly registry: dynamodb.Table;
  readonly rules: dynamodb.Table;
  /** Alerts; its NEW_IMAGE stream feeds the notifier. */
  readonly alerts: dynamodb.Table;
  /** Operator actions on alerts: mutes (TTL after `until`) and acknowledgements. */
  readonly operator: dynamodb.Table;

  constructor(scope: Construct, id: string, props: FleetTablesProps = {}) {
    super(scope, id);
    const protect = props.deletionProtection ?? true;
    if (typeof protect !== 'boolean')
      throw new Error(`FleetTables ${id}: deletionProtection must be a boolean`);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: protect,
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };
    for (const id of TABLE_IDS) {
      const cap = props.caps?.[id];
      for (const units of cap === undefined ? [] : [cap.maxReadRequestUnits, cap.maxWriteRequestUnits]) {
        if (!Number.isInteger(units) || units < 1)
          throw new Error(`FleetTables ${id}: caps.${id} units must be positive integers, got ${units}`);
      }
    }

    const table = (id: string, spec: TableSpec, tableId: TableId): dynamodb.Table => {
      const cap = props.caps?.[tableId];
      const maxima =
        cap === undefined
          ? {}
          : { maxReadRequestUnits: cap.maxReadRequestUnits, maxWriteRequestUnits: cap.maxWriteRequestUnits };
      const warm = tableId === 'state' ? props.stateWarmThroughput : undefined;
      const created = new dynamodb.Table(this, id, {
        ...common,
        ...maxima,
        ...(warm === undefined ? {} : { warmThroughput: { ...warm } }),
        ...keysOf(spec),
        timeToLiveAttribute: spec.timeToLiveAttribute,
        stream: spec.stream === undefined ? undefined : dynamodb.StreamViewType[spec.stream],
      });
      for (const index of spec.indexes)
        created.addGlobalSecondaryIndex({
          indexName: index.name,
          ...keysOf(index),
          ...projectionOf(index.projection),
          ...maxima,
        });
      return created;
    };
    this.state = table('State', TABLES.state, 'state');
    this.registry = table('Registry', TABLES.registry, 'registry');
    this.rules = table('Rules', TABLES.rules, 'rules');
    this.alerts = table('Alerts', TABLES.alerts, 'alerts');
    this.operator = table('Operator', TABLES.operator, 'operator');
  }
}
