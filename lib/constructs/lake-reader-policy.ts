import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LAKE_PREFIX } from '#core/contract/index.ts';
import { acknowledgeWildcardResource } from '#lib/nag.ts';
import type { DataLake } from './data-lake.ts';

export interface LakeReaderPolicyProps {
  readonly lake: DataLake;
}

/**
 * A managed policy to attach to whoever queries the lake: the Glue database and raw table, the Athena workgroup, read
 * of the raw prefix, read/write of the workgroup's own results prefix, and the lake key. Without it, reading the lake
 * takes account-wide S3 and KMS rights.
 */
export class LakeReaderPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: LakeReaderPolicyProps) {
    super(scope, id);
    const { lake } = props;
    const stack = Stack.of(this);
    const glue = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const rawObjects = lake.bucket.arnForObjects(`${LAKE_PREFIX.raw}*`);
    const resultObjects = lake.bucket.arnForObjects(`${lake.resultsPrefix}*`);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'FleetStream lake: query the raw table in its Athena workgroup (Glue, S3 raw/ read, results, KMS)',
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
            glue('table', `${lake.databaseName}/${lake.tableName}`),
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
          conditions: { StringLike: { 's3:prefix': [`${LAKE_PREFIX.raw}*`, `${lake.resultsPrefix}*`] } },
        }),
        new iam.PolicyStatement({
          sid: 'BucketLocation',
          actions: ['s3:GetBucketLocation'],
          resources: [lake.bucket.bucketArn],
        }),
        new iam.PolicyStatement({ sid: 'ReadRaw', actions: ['s3:GetObject'], resources: [rawObjects] }),
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
      'Athena names result objects and Firehose names raw objects itself; access is confined to the raw/ prefix and ' +
      "this workgroup's own results prefix of the lake bucket.";
    for (const pattern of [rawObjects, resultObjects])
      acknowledgeWildcardResource(this.policy, pattern, reason);
  }
}
