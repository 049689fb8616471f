import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '#lib/nag.ts';
import type { ServerlessKafka } from './serverless-kafka.ts';

/** Read one Kafka topic of an MSK cluster (Firehose "MSKAsSource"), over private connectivity. */
export interface MskSource {
  readonly kafka: ServerlessKafka;
  readonly topicName: string;
  /** ISO timestamp to start reading from; the epoch means "from the beginning of the topic". @default '1970-01-01T00:00:00Z' */
  readonly readFromTimestamp?: string;
}

export interface LakeDeliveryStreamProps {
  readonly bucket: s3.IBucket;
  /** The bucket's KMS key (Firehose writes with it). */
  readonly key: kms.IKey;
  /** Key prefix for delivered objects; must end with `/`. Time partitions are appended: `year=/month=/day=/hour=/`. */
  readonly prefix: string;
  /** Key prefix for records Firehose could not deliver or process; must end with `/`. */
  readonly errorPrefix: string;
  /** Where records come from. @default - DirectPut (producers call PutRecordBatch) */
  readonly source?: MskSource;
  /** Buffer before writing an object. @default Duration.seconds(60) */
  readonly bufferInterval?: Duration;
  /** @default 64 (MiB) */
  readonly bufferSizeMiB?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Add a newline after each record (AppendDelimiterToRecord). Turn off when producers already send whole lines.
   * @default true
   */
  readonly appendNewline?: boolean;
}

/**
 * Firehose into the lake bucket: gzip objects under `<prefix>year=YYYY/month=MM/day=DD/hour=HH/`, one record per line
 * (AppendDelimiterToRecord adds the newline unless the producer already does), errors under `<errorPrefix><error type>/`.
 */
export class LakeDeliveryStream extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryStreamName: string;
  readonly deliveryStreamArn: string;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LakeDeliveryStreamProps) {
    super(scope, id);
    for (const [name, value] of [
      ['prefix', props.prefix],
      ['errorPrefix', props.errorPrefix],
    ] as const) {
      if (!/^[a-z0-9-]+\/$/.test(value))
        throw new Error(`LakeDeliveryStream ${id}: ${name} must look like "name/", got "${value}"`);
    }
    if (props.prefix === props.errorPrefix)
      throw new Error(`LakeDeliveryStream ${id}: prefix and errorPrefix must differ`);
    const bufferSeconds = (props.bufferInterval ?? Duration.seconds(60)).toSeconds();
    if (bufferSeconds < 0 || bufferSeconds > 900) {
      throw new Error(`LakeDeliveryStream ${id}: bufferInterval must be 0–900 seconds, got ${bufferSeconds}`);
    }
    const bufferSizeMiB = props.bufferSizeMiB ?? 64;
    if (!Number.isInteger(bufferSizeMiB) || bufferSizeMiB < 1 || bufferSizeMiB > 128) {
      throw new Error(
        `LakeDeliveryStream ${id}: bufferSizeMiB must be an integer from 1 to 128, got ${bufferSizeMiB}`,
      );
    }

    // Firehose assumes the role with this account's id as the external id: only streams of this account may use it
    // (the Firehose developer guide's trust policy; the confused-deputy guard).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Stack.of(this).account } },
      }),
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'DeliveryLogs', {
      logGroup,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);

    // Firehose's documented S3 destination permissions, limited to this stream's two prefixes.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.bucket.bucketArn],
      }),
    );
    const objectPatterns = [
      props.bucket.arnForObjects(`${props.prefix}*`),
      props.bucket.arnForObjects(`${props.errorPrefix}*`),
    ];
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: objectPatterns,
      }),
    );
    for (const pattern of objectPatterns) {
      acknowledgeWildcardResource(
        this.role,
        pattern,
        "Firehose names each object itself (time partition + random suffix); access is limited to this stream's prefix.",
      );
    }
    props.key.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');

    const source = props.source;
    if (source !== undefined && source.kafka.firehosePolicy === undefined) {
      throw new Error(
        `LakeDeliveryStream ${id}: the MSK source's cluster has no Firehose cluster policy (create ServerlessKafka with allowFirehose: true)`,
      );
    }
    if (source !== undefined) {
      source.kafka.grantConnect(this.role);
      iam.Grant.addToPrincipal({
        grantee: this.role,
        actions: [
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:ReadData',
        ],
        resourceArns: [source.kafka.topicArn(source.topicName)],
      });
      // Firehose names its own consumer group; the ARN is still confined to this cluster.
      const anyGroup = source.kafka.groupArn('*');
      iam.Grant.addToPrincipal({
        grantee: this.role,
        actions: ['kafka-cluster:DescribeGroup'],
        resourceArns: [anyGroup],
      });
      acknowledgeWildcardResource(
        this.role,
        anyGroup,
        'Firehose picks its own consumer-group name; DescribeGroup is limited to groups of this one cluster (name + UUID).',
      );
    }

    const timePartitions =
      'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';
    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamType: source ? 'MSKAsSource' : 'DirectPut',
      ...(source
        ? {
            mskSourceConfiguration: {
              mskClusterArn: source.kafka.clusterArn,
              topicName: source.topicName,
              readFromTimestamp: source.readFromTimestamp ?? '1970-01-01T00:00:00Z',
              authenticationConfiguration: { connectivity: 'PRIVATE', roleArn: this.role.roleArn },
            },
          }
        : // Firehose supports server-side encryption only for DirectPut; an MSK source stream keeps nothing at rest.
          { deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' } }),
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: `${props.prefix}${timePartitions}`,
        errorOutputPrefix: `${props.errorPrefix}!{firehose:error-output-type}/${timePartitions}`,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: bufferSeconds, sizeInMBs: bufferSizeMiB },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } },
        processingConfiguration:
          props.appendNewline === false
            ? { enabled: false }
            : // Without parameters the delimiter is a newline (the documented default).
              { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    if (source !== undefined) {
      Validations.of(this.deliveryStream).acknowledge({
        id: 'AwsSolutions-KDF1',
        reason:
          'Firehose server-side encryption applies only to DirectPut streams; with an MSK source nothing rests in Firehose ' +
          '(MSK encrypts the topic at rest and in transit) and objects are written KMS-encrypted to S3.',
      });
    }
    // The role's policy must exist before Firehose validates access at creation.
    this.deliveryStream.node.addDependency(this.role);
    // Private connectivity creates a managed VPC connection, which the cluster policy must already allow.
    if (source?.kafka.firehosePolicy !== undefined)
      this.deliveryStream.node.addDependency(source.kafka.firehosePolicy);

    this.deliveryStreamName = this.deliveryStream.ref;
    this.deliveryStreamArn = this.deliveryStream.attrArn;
  }
}
