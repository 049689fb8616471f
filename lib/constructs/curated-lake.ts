import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  COMPACTOR_TIMEOUT_MINUTES,
  CURATED_COLUMNS,
  CURATED_PARTITION_KEYS,
  CURATED_TABLE_NAME,
  CURATED_TABLE_PREFIX,
  ENV,
  LAKE_PREFIX,
  RAW_LINES_TABLE_NAME,
  RAW_PARTITION_KEYS,
} from '#core/contract/index.ts';
import type { DataLake } from './data-lake.ts';
import { FleetFunction } from './fleet-function.ts';

export interface CuratedLakeProps {
  /** The lake whose raw archive is compacted (bucket, key, Glue database, Athena workgroup). */
  readonly lake: DataLake;
  /** Minutes after an hour closes before it is compacted. @default 5 */
  readonly delayMinutes?: number;
  /** Hours after its first compaction that an hour is compacted again for late records. @default 2 */
  readonly lateHours?: number;
  /** Repository root holding lambda/lake-compactor/handler.ts. */
  readonly projectRoot: string;
}

/**
 * The curated table `telemetry` (Parquet, zstd), the `raw_lines` table it is compacted from (each raw line whole), and
 * the compactor: a Lambda run every hour at minute `delayMinutes` by an EventBridge rule, with a reserved concurrency
 * of 1 so scheduled runs do not overlap. The table has registered partitions, not projection: each hour's partition
 * (`day=YYYY-MM-DD/hour=HH`) points at the folder of the compaction run that wrote it
 * (`curated/telemetry/day=…/hour=…/run=<id>/`), and a re-compaction moves it to the new run in one Glue write, so a
 * reader never sees an hour empty or doubled (lambda/lake-compactor/run-swap.ts). It reads `raw/`, writes only
 * `curated/telemetry/` and its Athena results, and changes only the curated table's partitions.
 */
export class CuratedLake extends Construct {
  readonly table: glue.CfnTable;
  readonly rawLinesTable: glue.CfnTable;
  readonly compactor: FleetFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: CuratedLakeProps) {
    super(scope, id);
    const delayMinutes = props.delayMinutes ?? 5;
    const lateHours = props.lateHours ?? 2;
    if (!Number.isInteger(delayMinutes) || delayMinutes < 1 || delayMinutes > 59)
      throw new Error(`CuratedLake ${id}: delayMinutes must be an integer from 1 to 59, got ${delayMinutes}`);
    if (!Number.isInteger(lateHours) || lateHours < 0 || lateHours > 48)
      throw new Error(`CuratedLake ${id}: lateHours must be an integer from 0 to 48, got ${lateHours}`);
    const { lake } = props;
    const stack = Stack.of(this);
    const bucket = lake.bucket.bucketName;

    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: lake.databaseName,
      tableInput: {
        name: CURATED_TABLE_NAME,
        description:
          'Curated telemetry: valid records once each, typed, Parquet (zstd), by event day and hour (UTC)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'parquet.compression': 'ZSTD',
        },
        partitionKeys: CURATED_PARTITION_KEYS.map(({ name, type }) => ({ name, type })),
        storageDescriptor: {
          location: `s3://${bucket}/${CURATED_TABLE_PREFIX}`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          columns: CURATED_COLUMNS.map(({ name, type, comment }) => ({ name, type, comment })),
        },
      },
    });
    this.table.addDependency(lake.table);

    // The raw archive again, one string per line: JSON types, duplicate keys and sizes can then be checked in SQL.
    this.rawLinesTable = new glue.CfnTable(this, 'RawLinesTable', {
      catalogId: stack.account,
      databaseName: lake.databaseName,
      tableInput: {
        name: RAW_LINES_TABLE_NAME,
        description: 'The raw archive, each line whole (the curated compaction reads it)',
        tableType: 'EXTERNAL_TABLE',
        parameters: rawProjection(lake),
        partitionKeys: RAW_PARTITION_KEYS.map(({ name, type }) => ({ name, type })),
        storageDescriptor: {
          location: `s3://${bucket}/${LAKE_PREFIX.raw}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          // The whole line, whatever it holds ((?s): a U+2028 or U+0085 inside a line does not end the match).
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
            parameters: { 'input.regex': '(?s)^(.*)$' },
          },
          columns: [{ name: 'line', type: 'string' }],
        },
      },
    });
    this.rawLinesTable.addDependency(lake.table);

    this.compactor = new FleetFunction(this, 'Compactor', {
      entry: path.join(props.projectRoot, 'lambda/lake-compactor/handler.ts'),
      description: 'Compacts closed hours of the raw archive into the curated Parquet table (Athena UNLOAD)',
      memoryMb: 256,
      // Two hours per run, each one Athena query over at most lateHours + 3 raw hours. Also how long after its start a
      // run is known to have ended (run-swap.ts deletes a crashed run's files after it).
      timeout: Duration.minutes(COMPACTOR_TIMEOUT_MINUTES),
      reservedConcurrency: 1,
    })
      .bindSetting(ENV.lakeBucket, bucket)
      .bindSetting(ENV.athenaWorkGroup, lake.workGroupName)
      .bindSetting(ENV.glueDatabase, lake.databaseName)
      .bindSetting(ENV.compactionDelayMinutes, String(delayMinutes))
      .bindSetting(ENV.compactionLateHours, String(lateHours));
    this.grantCompaction(lake);

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Compacts the curated table every hour at minute ${delayMinutes}`,
      schedule: events.Schedule.cron({ minute: String(delayMinutes) }),
      targets: [new targets.LambdaFunction(this.compactor.function, { retryAttempts: 2 })],
    });
  }

  /**
   * Athena on the one workgroup, Glue reads of the two tables and partition writes on the curated one, S3 reads of raw/
   * and writes of curated/telemetry/ and results.
   */
  private grantCompaction(lake: DataLake): void {
    const stack = Stack.of(this);
    const role = this.compactor.role;
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: lake.workGroupName,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution'],
        resources: [workGroupArn],
      }),
    );
    const glueArn = (resource: string, name: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName: name });
    // The swap: register an hour's partition or move it to a new run, on the curated table only.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:CreatePartition', 'glue:UpdatePartition'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          glueArn('database', lake.databaseName),
          glueArn('table', `${lake.databaseName}/${CURATED_TABLE_NAME}`),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          glueArn('database', lake.databaseName),
          glueArn('table', `${lake.databaseName}/${RAW_LINES_TABLE_NAME}`),
          glueArn('table', `${lake.databaseName}/${CURATED_TABLE_NAME}`),
        ],
      }),
    );
    const objects = (prefix: string) => lake.bucket.arnForObjects(`${prefix}*`);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(LAKE_PREFIX.raw)] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [objects(CURATED_TABLE_PREFIX), objects(LAKE_PREFIX.athenaResults)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [lake.bucket.bucketArn],
      }),
    );
    // SSE-KMS reads decrypt, writes generate a data key (no ReEncrypt*, no wildcard action).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [lake.key.keyArn],
      }),
    );
    const bucketId = stack.resolve(stack.getLogicalId(lake.bucket.node.defaultChild as s3.CfnBucket));
    const reason =
      'Object wildcards are bounded by prefix: reads under raw/, writes only under curated/telemetry/ and ' +
      'athena-results/ (Athena reads the source and writes the results with the caller role).';
    Validations.of(role).acknowledge(
      ...[LAKE_PREFIX.raw, CURATED_TABLE_PREFIX, LAKE_PREFIX.athenaResults].map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason,
      })),
    );
  }
}

/** The raw table's partition projection (same folders as raw_telemetry). */
const rawProjection = (lake: DataLake): Record<string, string> => {
  const input = lake.table.tableInput as glue.CfnTable.TableInputProperty;
  return { ...(input.parameters as Record<string, string>), classification: 'text' };
};
