import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type Projection,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type IndexProjection,
  type KeySchema,
  keyAttributes,
  TABLE_IDS,
  TABLES,
  type TableId,
  type TableSpec,
} from '#core/contract/index.ts';

export type TableNames = Readonly<Record<TableId, string>>;

export const localTableNames = (prefix = 'fleetstream'): TableNames => ({
  state: `${prefix}-state`,
  registry: `${prefix}-registry`,
  rules: `${prefix}-rules`,
  alerts: `${prefix}-alerts`,
  operator: `${prefix}-operator`,
});

/** The environment variables the Lambdas read, for these table names. */
export const tableEnv = (names: TableNames): Record<string, string> =>
  Object.fromEntries(TABLE_IDS.map((id) => [TABLES[id].envVar, names[id]]));

// Built from the shared contract as lib/constructs/fleet-tables.ts is, so local runs exercise the real access paths.
const keySchema = (keys: KeySchema): KeySchemaElement[] => [
  { AttributeName: keys.partitionKey, KeyType: 'HASH' },
  ...(keys.sortKey === undefined ? [] : [{ AttributeName: keys.sortKey, KeyType: 'RANGE' as const }]),
];

const projection = (p: IndexProjection): Projection =>
  p.type === 'INCLUDE'
    ? { ProjectionType: p.type, NonKeyAttributes: [...p.nonKeyAttributes] }
    : { ProjectionType: p.type };

export const tableDefinition = (name: string, spec: TableSpec): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: keySchema(spec),
  AttributeDefinitions: keyAttributes(spec).map((a) => ({ AttributeName: a, AttributeType: 'S' })),
  ...(spec.indexes.length === 0
    ? {}
    : {
        GlobalSecondaryIndexes: spec.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: keySchema(i),
          Projection: projection(i.projection),
        })),
      }),
  ...(spec.stream === undefined
    ? {}
    : { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }),
});

const exists = async (client: DynamoDBClient, name: string): Promise<boolean> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
};

/** Creates the tables if absent (idempotent), with the state table's TTL on `expiresAt`. */
export const createTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  for (const id of TABLE_IDS) {
    const name = names[id];
    const spec = TABLES[id];
    if (await exists(client, name)) continue;
    try {
      await client.send(new CreateTableCommand(tableDefinition(name, spec)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (spec.timeToLiveAttribute !== undefined) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
};
