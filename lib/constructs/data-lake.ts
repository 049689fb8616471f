import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_PREFIX, RAW_COLUMNS, RAW_PARTITION_KEYS, RAW_TABLE_NAME } from '#core/contract/index.ts';

/** CDK feature flag: server access logging grants `logging.s3.amazonaws.com` by bucket policy, not by ACL. */
const S3_LOGS_USE_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

export interface DataLakeProps {
  /** Days before raw objects move to Standard-IA (then Glacier Instant Retrieval 60 days later). @default 30 */
  readonly infrequentAccessAfterDays?: number;
  /** First year the Athena partition projection covers. @default 2024 */
  readonly projectionStartYear?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * S3 Object Lock (governance mode) with this default retention in days; 0 = off. Default retention is bucket-wide:
   * raw archive, dead letters and Athena results are all kept that long. Once on, Object Lock cannot be turned off
   * for the bucket (S3 user guide), so choose it when the lake is created. @default 0
   */
  readonly objectLockDays?: number;
}

/**
 * The raw archive: a KMS-encrypted, TLS-only, versioned bucket with lifecycle tiers and server access logs, a Glue
 * table over `raw/year=/month=/day=/hour=/` using partition projection (no crawler, no MSCK REPAIR: queryable on day
 * one), and an Athena workgroup whose results are encrypted with the same key.
 */
export class DataLake extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly databaseName: string;
  readonly tableName = RAW_TABLE_NAME;
  readonly workGroupName: string;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  /** Where this workgroup's query results go (`athena-results/<workgroup>/`). */
  readonly resultsPrefix: string;

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    const iaDays = props.infrequentAccessAfterDays ?? 30;
    if (!Number.isInteger(iaDays) || iaDays < 30) {
      throw new Error(
        `DataLake ${id}: infrequentAccessAfterDays must be an integer >= 30 (S3 minimum), got ${iaDays}`,
      );
    }
    const startYear = props.projectionStartYear ?? 2024;
    if (!Number.isInteger(startYear) || startYear < 2000 || startYear > 2100) {
      throw new Error(
        `DataLake ${id}: projectionStartYear must be a year from 2000 to 2100, got ${startYear}`,
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const lockDays = props.objectLockDays ?? 0;
    if (!Number.isInteger(lockDays) || lockDays < 0 || lockDays > 36_500)
      throw new Error(`DataLake ${id}: objectLockDays must be an integer from 0 to 36500, got ${lockDays}`);

    // Grant S3 log delivery through a bucket policy (AWS's current recommendation) instead of the legacy
    // LogDeliveryWrite ACL, so the log bucket can disable ACLs like every other bucket here (cfn-lint W3045).
    this.node.setContext(S3_LOGS_USE_BUCKET_POLICY, true);
    this.key = new kms.Key(this, 'Key', {
      description: 'FleetStream data lake: raw archive, dead letters, Athena results',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery supports only SSE-S3 on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned so a deleted or overwritten log can be recovered for 30 days (checkov CKV_AWS_21).
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log target bucket; logging it to itself would loop and to another bucket would recurse.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'lake/',
      removalPolicy,
      ...(lockDays > 0
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(lockDays)),
          }
        : {}),
      lifecycleRules: [
        {
          id: 'raw-tiering',
          prefix: LAKE_PREFIX.raw,
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(iaDays) },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(iaDays + 60),
            },
          ],
        },
        { id: 'athena-results', prefix: LAKE_PREFIX.athenaResults, expiration: Duration.days(30) },
        {
          id: 'old-versions',
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const stack = Stack.of(this);
    // Athena wants lower-case names of letters, digits and underscores.
    this.databaseName = Names.uniqueResourceName(this, { maxLength: 200, separator: '_' }).toLowerCase();
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'FleetStream telemetry lake' },
    });

    const location = `s3://${this.bucket.bucketName}/${LAKE_PREFIX.raw}`;
    const twoDigits = (range: string) => ({ type: 'integer', range, digits: '2' });
    const projection: Record<string, { type: string; range: string; digits?: string }> = {
      year: { type: 'integer', range: `${startYear},2100` },
      month: twoDigits('1,12'),
      day: twoDigits('1,31'),
      hour: twoDigits('0,23'),
    };
    const parameters: Record<string, string> = {
      classification: 'json',
      'projection.enabled': 'true',
      'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
    };
    for (const [column, spec] of Object.entries(projection)) {
      for (const [key, value] of Object.entries(spec))
        parameters[`projection.${column}.${key}`] = String(value);
    }

    this.table = new glue.CfnTable(this, 'RawTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description:
          'Raw telemetry exactly as produced (newline-delimited JSON, gzip), partitioned by delivery hour',
        tableType: 'EXTERNAL_TABLE',
        parameters,
        partitionKeys: RAW_PARTITION_KEYS.map(({ name, type }) => ({ name, type })),
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // Bad records are quarantined by the processor, but the archive keeps them: never fail a whole query on one.
            parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
          },
          columns: RAW_COLUMNS.map(({ name, type }) => ({ name, type })),
        },
      },
    });
    this.table.addResourceDependency(database);

    this.workGroupName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    this.resultsPrefix = `${LAKE_PREFIX.athenaResults}${this.workGroupName}/`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'FleetStream lake queries; results encrypted with the lake key',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          // Each workgroup writes under its own prefix, so a reader policy can grant exactly its results.
          outputLocation: `s3://${this.bucket.bucketName}/${this.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
        },
      },
    });
  }
}
