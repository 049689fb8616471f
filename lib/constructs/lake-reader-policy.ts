import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CURATED_TABLE_NAME, CURATED_TABLE_PREFIX, LAKE_PREFIX } from '#core/contract/index.ts';
import { acknowledgeWildcardResource } from '#lib/nag.ts';
import type { DataLake } from './data-lake.ts';

export interface LakeReaderPolicyProps {
  readonly lake: DataLake;
  /**
   * The curated table `telemetry` is deployed (CuratedLake): the policy then also reads it (its Glue table and
   * partitions, objects under `curated/telemetry/` only). @default false
   */
  readonly curated?: boolean;
}

/**
 * A managed policy to attach to whoever queries the lake: the Glue database and the tables a reader queries
 * (`raw_telemetry`, and `telemetry` when the curated table is deployed), the Athena workgroup, read of the raw prefix
 * and of the curated table's prefix, read/write of the workgroup's own results prefix, and the lake key. Nothing else:
 * not `raw_lines` (the compactor's source), not the rest of `curated/`, no write outside the results, no Glue
 * changes. Without it, reading the lake takes account-wide S3 and KMS rights.
 */
export class LakeReaderPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: LakeReaderPolicyProps) {
    super(scope, id);
    const { lake } = props;
    const curated = props.curated ?? false;
    const stack = Stack.of(this);
    const glue = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const rawObjects = lake.bucket.arnForObjects(`${LAKE_PREFIX.raw}*`);
    const curatedObjects = lake.bucket.arnForObjects(`${CURATED_TABLE_PREFIX}*`);
    const readPrefixes = curated ? [LAKE_PREFIX.raw, CURATED_TABLE_PREFIX] : [LAKE_PREFIX.raw];
    const tables = curated ? [lake.tableName, CURATED_TABLE_NAME] : [lake.tableName];
    const resultObjects = lake.bucket.arnForObjects(`${lake.resultsPrefix}*`);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: curated
        ? 'FleetStream lake: query the raw and curated tables in their Athena workgroup (Glue, S3 raw/ and curated/telemetry/ read, results, KMS)'
        : 'FleetStream lake: query the raw table in its Athena workgroup (Glue, S3 raw/ read, results, KMS)',
      statements: [
        new iam.PolicyStatement({
          sid: 'Catalog',
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetTables',
            'glue:GetPartition',
            'glue:GetPartitions',
          ],
          resources: [
            glue('catalog'),
            glue('database', lake.databaseName),
            ...tables.map((table) => glue('table', `${lake.databaseName}/${table}`)),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'WorkGroup',
          actions: [
            'athena:GetWorkGroup',
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetQueryResultsStream',
            'athena:ListQueryExecutions',
          ],
          resources: [
            stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: lake.workGroupName }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ListLakePrefixes',
          actions: ['s3:ListBucket'],
          resources: [lake.bucket.bucketArn],
          conditions: {
            StringLike: { 's3:prefix': [...readPrefixes.map((p) => `${p}*`), `${lake.resultsPrefix}*`] },
          },
        }),
        new iam.PolicyStatement({
          sid: 'BucketLocation',
          actions: ['s3:GetBucketLocation'],
          resources: [lake.bucket.bucketArn],
        }),
        new iam.PolicyStatement({ sid: 'ReadRaw', actions: ['s3:GetObject'], resources: [rawObjects] }),
        ...(curated
          ? [
              new iam.PolicyStatement({
                sid: 'ReadCurated',
                actions: ['s3:GetObject'],
                resources: [curatedObjects],
              }),
            ]
          : []),
        new iam.PolicyStatement({
          sid: 'WorkGroupResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resources: [resultObjects],
        }),
        new iam.PolicyStatement({
          sid: 'LakeKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [lake.key.keyArn],
        }),
      ],
    });
    const reason =
      'Athena names result objects, Firehose raw objects and the compactor curated objects itself; access is confined ' +
      "to the raw/ prefix, the curated table's curated/telemetry/ prefix (read) and this workgroup's own results " +
      'prefix of the lake bucket.';
    for (const pattern of curated ? [rawObjects, curatedObjects, resultObjects] : [rawObjects, resultObjects])
      acknowledgeWildcardResource(this.policy, pattern, reason);
  }
}
