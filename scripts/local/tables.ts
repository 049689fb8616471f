import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { GSI_ALERTS_BY_DAY, GSI_BY_MODEL, GSI_BY_STATUS } from '#core/items.ts';

export interface TableNames {
  readonly state: string;
  readonly registry: string;
  readonly rules: string;
  readonly alerts: string;
}

export const localTableNames = (prefix = 'fleetstream'): TableNames => ({
  state: `${prefix}-state`,
  registry: `${prefix}-registry`,
  rules: `${prefix}-rules`,
  alerts: `${prefix}-alerts`,
});

/** The environment variables the Lambdas read, for these table names. */
export const tableEnv = (names: TableNames): Record<string, string> => ({
  STATE_TABLE: names.state,
  REGISTRY_TABLE: names.registry,
  RULES_TABLE: names.rules,
  ALERTS_TABLE: names.alerts,
});

const S = 'S' as const;
const allProjection = { ProjectionType: 'ALL' as const };

// Same keys, indexes, stream and TTL as lib/ (docs/DATA_MODEL.md), so local runs exercise the real access paths.
const definitions = (names: TableNames): CreateTableCommandInput[] => [
  {
    TableName: names.state,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: S },
      { AttributeName: 'sk', AttributeType: S },
      { AttributeName: 'status', AttributeType: S },
      { AttributeName: 'model', AttributeType: S },
      { AttributeName: 'deviceId', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI_BY_STATUS,
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'deviceId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['model'] },
      },
      {
        IndexName: GSI_BY_MODEL,
        KeySchema: [
          { AttributeName: 'model', KeyType: 'HASH' },
          { AttributeName: 'deviceId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  },
  {
    TableName: names.registry,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'deviceId', AttributeType: S }],
  },
  {
    TableName: names.rules,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'ruleId', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'ruleId', AttributeType: S }],
  },
  {
    TableName: names.alerts,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'deviceId', KeyType: 'HASH' },
      { AttributeName: 'alertKey', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'deviceId', AttributeType: S },
      { AttributeName: 'alertKey', AttributeType: S },
      { AttributeName: 'day', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI_ALERTS_BY_DAY,
        KeySchema: [
          { AttributeName: 'day', KeyType: 'HASH' },
          { AttributeName: 'alertKey', KeyType: 'RANGE' },
        ],
        Projection: allProjection,
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  },
];

const exists = async (client: DynamoDBClient, name: string): Promise<boolean> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
};

/** Creates the four tables if absent (idempotent), with the state table's TTL on `expiresAt`. */
export const createTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  for (const definition of definitions(names)) {
    const name = definition.TableName as string;
    if (await exists(client, name)) continue;
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (name === names.state) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      );
    }
  }
};
