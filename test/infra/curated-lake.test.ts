import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CURATED_COLUMNS, CURATED_TABLE_NAME, RAW_LINES_TABLE_NAME } from '#core/contract/index.ts';
import { parseConfig } from '#lib/config.ts';
import { CuratedLake } from '#lib/constructs/curated-lake.ts';
import { DataLake } from '#lib/constructs/data-lake.ts';
import {
  actionsOf,
  allowStatements,
  projectRoot,
  render,
  resourcesOf,
  resourcesOfStatement,
  synthFleetStream,
} from './support.ts';

/** The curated table and its scheduled compaction, as synthesized with the default configuration. */

const { stateful$ } = synthFleetStream();
const tables = resourcesOf(stateful$, 'AWS::Glue::Table');
interface TableInput {
  StorageDescriptor: {
    SerdeInfo: { SerializationLibrary: string; Parameters: Record<string, string> };
    Columns: { Name: string; Type: string }[];
  };
  PartitionKeys: { Name: string }[];
  Parameters: Record<string, unknown>;
}
const tableNamed = (name: string) =>
  tables.find(([, p]) => (p.TableInput as { Name: string }).Name === name)?.[1].TableInput as TableInput;

describe('CuratedLake', () => {
  it('declares the telemetry table as zstd Parquet, partitioned by event day and hour through registered partitions', () => {
    const table = tableNamed(CURATED_TABLE_NAME);
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(table.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
      CURATED_COLUMNS.map((c) => [c.name, c.type]),
    );
    expect(table.PartitionKeys.map((k) => k.Name)).toEqual(['day', 'hour']);
    // No projection: each hour's partition points at the run that wrote it (the compactor moves it, run-swap.ts).
    expect(Object.keys(table.Parameters).filter((k) => k.startsWith('projection.'))).toEqual([]);
    expect(table.Parameters['storage.location.template']).toBeUndefined();
  });

  it("lets the compactor register and move partitions of the curated table only, read the table's descriptor", () => {
    const writes = allowStatements(stateful$).filter((s) =>
      actionsOf(s).some((a) => a === 'glue:CreatePartition' || a === 'glue:UpdatePartition'),
    );
    expect(writes).toHaveLength(1);
    const [statement] = writes;
    expect(actionsOf(statement as (typeof writes)[number]).sort()).toEqual([
      'glue:CreatePartition',
      'glue:UpdatePartition',
    ]);
    const resources = resourcesOfStatement(statement as (typeof writes)[number]).map(render);
    expect(resources.filter((r) => r.includes(':table/'))).toEqual([
      expect.stringMatching(new RegExp(`:table/[^/]+/${CURATED_TABLE_NAME}$`)),
    ]);
    expect(resources.join(' ')).not.toMatch(/\*|raw_/);
    const reads = allowStatements(stateful$).filter((s) => actionsOf(s).includes('glue:GetPartition'));
    expect(reads.flatMap((s) => actionsOf(s))).toEqual(expect.arrayContaining(['glue:GetTable']));
  });

  it('reads raw lines whole for the compaction', () => {
    const table = tableNamed(RAW_LINES_TABLE_NAME);
    expect(table.StorageDescriptor.Columns).toEqual([{ Name: 'line', Type: 'string' }]);
    expect(table.StorageDescriptor.SerdeInfo.Parameters['input.regex']).toBe('(?s)^(.*)$');
    expect(table.Parameters['projection.enabled']).toBe('true');
  });

  it('runs the compactor hourly at the delay minute, one run at a time', () => {
    stateful$.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(5 * * * ? *)' });
    stateful$.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('curated Parquet'),
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({ COMPACTION_DELAY_MINUTES: '5', COMPACTION_LATE_HOURS: '2' }),
      },
    });
  });

  it('lets the compactor write only under curated/ and the Athena results, never raw/', () => {
    const writes = allowStatements(stateful$).filter((s) => actionsOf(s).includes('s3:PutObject'));
    const compactorWrites = writes
      .flatMap(resourcesOfStatement)
      .map(render)
      .filter((r) => r.includes('/curated/'));
    expect(compactorWrites.length).toBeGreaterThan(0);
    for (const statement of writes.filter((s) =>
      resourcesOfStatement(s)
        .map(render)
        .some((r) => r.includes('/curated/')),
    ))
      expect(
        resourcesOfStatement(statement)
          .map(render)
          .some((r) => r.includes('/raw/')),
      ).toBe(false);
  });

  it('takes its schedule from the curatedLake config and can be left out', () => {
    const custom = synthFleetStream({ curatedLake: { delayMinutes: 20, lateHours: 0 } });
    custom.stateful$.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(20 * * * ? *)' });
    const off = synthFleetStream({ curatedLake: { enabled: false } });
    expect(resourcesOf(off.stateful$, 'AWS::Events::Rule')).toEqual([]);
    expect(() => parseConfig({ curatedLake: { delayMinutes: 0, lateHours: 49, every: 1 } })).toThrow(
      /curatedLake\.every is not a known setting[\s\S]*curatedLake\.delayMinutes must be an integer from 1 to 59[\s\S]*curatedLake\.lateHours must be an integer from 0 to 48/,
    );
  });

  it('refuses a schedule outside its ranges', () => {
    const lake = new DataLake(new Stack(new App(), 'S'), 'Lake');
    expect(() => new CuratedLake(lake, 'A', { lake, delayMinutes: 60, projectRoot })).toThrow(/delayMinutes/);
    expect(() => new CuratedLake(lake, 'B', { lake, lateHours: -1, projectRoot })).toThrow(/lateHours/);
  });
});
