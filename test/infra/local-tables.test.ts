import { Stack } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE_IDS, TABLES } from '#core/contract/index.ts';
import { tableDefinition } from '#scripts/local/tables.ts';
import { synthFleetStream } from '#test/support/infra.ts';

// `npm start` creates its tables from the same contract the construct deploys: same keys, indexes, projections, stream
// and TTL. A key or index changed on one side only fails here.

interface CfnTableProps {
  KeySchema: unknown;
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: Record<string, unknown> }[];
  StreamSpecification?: { StreamViewType: string };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }): number =>
  (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');

describe('local tables', () => {
  const { stateful, stateful$ } = synthFleetStream();

  it.each([...TABLE_IDS])('%s is created locally as it is deployed', (id) => {
    const table = stateful.tables[id];
    const logicalId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnTable);
    const deployed = stateful$.toJSON().Resources[logicalId].Properties as CfnTableProps;
    const local = tableDefinition(`local-${id}`, TABLES[id]);

    expect(local.KeySchema).toEqual(deployed.KeySchema);
    expect([...(local.AttributeDefinitions ?? [])].sort(byName)).toEqual(
      [...deployed.AttributeDefinitions].sort(byName),
    );
    expect(
      (local.GlobalSecondaryIndexes ?? []).map((i) => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: i.Projection,
      })),
    ).toEqual(
      // The deployed indexes also carry the table's on-demand maxima (guardrails), which DynamoDB Local has no use for.
      (deployed.GlobalSecondaryIndexes ?? []).map(({ IndexName, KeySchema, Projection }) => ({
        IndexName,
        KeySchema,
        Projection,
      })),
    );
    expect(local.StreamSpecification?.StreamViewType).toBe(deployed.StreamSpecification?.StreamViewType);
    expect(TABLES[id].timeToLiveAttribute).toBe(deployed.TimeToLiveSpecification?.AttributeName);
  });
});
