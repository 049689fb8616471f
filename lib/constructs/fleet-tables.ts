import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { GSI_ALERTS_BY_DAY, GSI_BY_MODEL, GSI_BY_STATUS } from '#core/items.ts';

export interface FleetTablesProps {
  /** Turn on DynamoDB deletion protection and retain the tables when the stack is deleted. @default true */
  readonly deletionProtection?: boolean;
}

const S = dynamodb.AttributeType.STRING;

/**
 * The four tables of docs/DATA_MODEL.md — same keys, GSIs, TTL and stream as scripts/local/tables.ts creates locally —
 * all on-demand, point-in-time recovery on, encrypted with the AWS-managed key.
 */
export class FleetTables extends Construct {
  /** Device state, lifetime aggregates, per-minute windows (TTL `expiresAt`), fleet shards. */
  readonly state: dynamodb.Table;
  readonly registry: dynamodb.Table;
  readonly rules: dynamodb.Table;
  /** Alerts; its NEW_IMAGE stream feeds the notifier. */
  readonly alerts: dynamodb.Table;

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

    this.state = new dynamodb.Table(this, 'State', {
      ...common,
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      timeToLiveAttribute: 'expiresAt',
    });
    // Lean projections: an index is written only when a projected attribute changes, so a device write that keeps
    // its status and model (nearly all of them) costs no index write. Listings read the full items by key.
    this.state.addGlobalSecondaryIndex({
      indexName: GSI_BY_STATUS,
      partitionKey: { name: 'status', type: S },
      sortKey: { name: 'deviceId', type: S },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['model'],
    });
    this.state.addGlobalSecondaryIndex({
      indexName: GSI_BY_MODEL,
      partitionKey: { name: 'model', type: S },
      sortKey: { name: 'deviceId', type: S },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    this.registry = new dynamodb.Table(this, 'Registry', {
      ...common,
      partitionKey: { name: 'deviceId', type: S },
    });
    this.rules = new dynamodb.Table(this, 'Rules', { ...common, partitionKey: { name: 'ruleId', type: S } });

    this.alerts = new dynamodb.Table(this, 'Alerts', {
      ...common,
      partitionKey: { name: 'deviceId', type: S },
      sortKey: { name: 'alertKey', type: S },
      stream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    this.alerts.addGlobalSecondaryIndex({
      indexName: GSI_ALERTS_BY_DAY,
      partitionKey: { name: 'day', type: S },
      sortKey: { name: 'alertKey', type: S },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
