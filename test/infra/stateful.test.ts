import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, type Synthesized, synthFleetStream } from '#test/support/infra.ts';

let s: Synthesized;
let t: Template;
beforeAll(() => {
  s = synthFleetStream({ topicPartitions: 12 });
  t = s.stateful$;
});

const TIME_PARTITIONS =
  'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';

describe('streaming', () => {
  it('runs MSK Serverless with IAM authentication in the private subnets', () => {
    t.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    t.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [
        { SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('workload') })]) },
      ],
    });
  });

  it('reads the bootstrap brokers with an AwsCustomResource scoped to the cluster', () => {
    const [[, call] = ['', {}]] = resourcesOf(t, 'Custom::AWS');
    // The SDK call is a JSON string joined with the cluster ARN token.
    const update = JSON.stringify(call.Update);
    for (const part of ['Kafka', 'getBootstrapBrokers', 'BootstrapBrokerStringSaslIam', 'ClusterArn'])
      expect(update).toContain(part);
    const [, policy] =
      resourcesOf(t, 'AWS::IAM::Policy').find(([id]) => id.startsWith('KafkaBootstrapBrokers')) ?? [];
    expect(policy?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'kafka:GetBootstrapBrokers',
          Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        },
      ],
    });
  });

  it('creates the topic through the custom resource with the configured partitions, retained by default', () => {
    t.hasResourceProperties('Custom::KafkaTopic', {
      Topic: 'modem-telemetry',
      Partitions: 12,
      DeleteOnRemoval: false,
      Brokers: {
        'Fn::GetAtt': [Match.stringLikeRegexp('KafkaBootstrapBrokers'), 'BootstrapBrokerStringSaslIam'],
      },
    });
  });

  it('runs the topic admin Lambda inside the VPC and never grants it DeleteTopic by default', () => {
    const [, fn] =
      resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('TopicAdminFunction')) ?? [];
    expect(fn?.VpcConfig).toMatchObject({
      SubnetIds: expect.any(Array),
      SecurityGroupIds: expect.any(Array),
    });
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('kafka-cluster:DeleteTopic');
  });

  it('lets Firehose create a private VPC connection through the MSK cluster policy', () => {
    t.hasResourceProperties('AWS::MSK::ClusterPolicy', {
      Policy: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Action: Match.arrayWith(['kafka:CreateVpcConnection']),
          }),
        ],
      },
    });
  });
});

describe('raw archive and dead letters', () => {
  it('archives the topic with a Firehose MSK source: private, from the start, newline-delimited, gzip, hourly prefixes', () => {
    t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'MSKAsSource',
      MSKSourceConfiguration: {
        TopicName: 'modem-telemetry',
        ReadFromTimestamp: '1970-01-01T00:00:00Z',
        MSKClusterARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('KafkaCluster'), 'Arn'] },
        AuthenticationConfiguration: Match.objectLike({ Connectivity: 'PRIVATE' }),
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        Prefix: `raw/${TIME_PARTITIONS}`,
        ErrorOutputPrefix: `raw-errors/!{firehose:error-output-type}/${TIME_PARTITIONS}`,
        ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'AppendDelimiterToRecord' }] },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
      }),
    });
  });

  it('creates the archive stream only after the topic exists', () => {
    const streams = t.findResources('AWS::KinesisFirehose::DeliveryStream', {
      Properties: { DeliveryStreamType: 'MSKAsSource' },
    }) as Record<string, { DependsOn?: string[] }>;
    const topicId = Object.keys(t.findResources('Custom::KafkaTopic'))[0];
    expect(Object.values(streams)[0]?.DependsOn).toContain(topicId);
  });

  it('creates the archive stream only after the MSK cluster policy that lets Firehose connect privately', () => {
    const streams = t.findResources('AWS::KinesisFirehose::DeliveryStream', {
      Properties: { DeliveryStreamType: 'MSKAsSource' },
    }) as Record<string, { DependsOn?: string[] }>;
    const policies = Object.keys(t.findResources('AWS::MSK::ClusterPolicy'));
    expect(policies).toHaveLength(1);
    expect(Object.values(streams)[0]?.DependsOn).toContain(policies[0]);
  });

  it('sends dead letters through an encrypted DirectPut stream under dead-letter/, lines kept as the processor writes them', () => {
    t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: Match.anyValue() },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        ProcessingConfiguration: { Enabled: false },
        Prefix: `dead-letter/${TIME_PARTITIONS}`,
        ErrorOutputPrefix: Match.stringLikeRegexp('^dead-letter-errors/!\\{firehose:error-output-type\\}/'),
      }),
    });
  });

  it('keeps the lake KMS-encrypted, versioned, non-public, logged and tiered', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'raw/',
            Transitions: Match.arrayWith([Match.objectLike({ StorageClass: 'STANDARD_IA' })]),
          }),
        ]),
      },
    });
  });

  it('lets S3 deliver access logs by bucket policy, with ACLs disabled on every bucket', () => {
    for (const [id, bucket] of resourcesOf(t, 'AWS::S3::Bucket')) {
      expect(bucket.AccessControl, id).toBeUndefined();
      expect(bucket.OwnershipControls, id).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });

  it('denies non-TLS access on every bucket', () => {
    const buckets = Object.keys(t.findResources('AWS::S3::Bucket'));
    const policies = resourcesOf(t, 'AWS::S3::BucketPolicy').map(([, p]) => p);
    expect(buckets.length).toBe(2);
    for (const bucket of buckets) {
      const policy = policies.find((p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: bucket }));
      expect(JSON.stringify(policy?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('makes the lake queryable on day one: Glue table with partition projection over raw/', () => {
    t.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [
          { Name: 'year', Type: 'string' },
          { Name: 'month', Type: 'string' },
          { Name: 'day', Type: 'string' },
          { Name: 'hour', Type: 'string' },
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.month.range': '1,12',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': Match.objectLike({
            'Fn::Join': [
              '',
              Match.arrayWith([`/raw/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`]),
            ],
          }),
        }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      }),
    });
  });

  it('has an Athena workgroup with enforced, KMS-encrypted results', () => {
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
  });
});

describe('tables and alert topic', () => {
  it('makes all five tables on-demand with point-in-time recovery and deletion protection', () => {
    const tables = resourcesOf(t, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(5);
    for (const [, table] of tables) {
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionProtectionEnabled).toBe(true);
      expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('keeps mutes and acknowledgements in the operator table, expired mutes removed by TTL', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.absent(),
      StreamSpecification: Match.absent(),
    });
    expect(Object.keys(t.findOutputs('OperatorTable'))).toEqual(['OperatorTable']);
  });

  it('gives the state table the data-model keys, lean GSIs and window TTL', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'deviceId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['model'] },
        }),
        Match.objectLike({
          IndexName: 'byModel',
          KeySchema: [
            { AttributeName: 'model', KeyType: 'HASH' },
            { AttributeName: 'deviceId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
    });
  });

  it('streams new alert images to the notifier and indexes alerts by day', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'deviceId', KeyType: 'HASH' },
        { AttributeName: 'alertKey', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byDay' })],
    });
  });

  it('encrypts the alert topic with its own KMS key and enforces TLS', () => {
    t.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsKey'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('turns on VPC flow logs and keeps workloads in private subnets only (endpoints mode)', () => {
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const interfaces = resourcesOf(t, 'AWS::EC2::VPCEndpoint')
      .filter(([, e]) => e.VpcEndpointType === 'Interface')
      .map(([, e]) => JSON.stringify(e.ServiceName));
    expect(interfaces.some((name) => name.includes('.sts'))).toBe(true);
    expect(interfaces.some((name) => name.includes('.lambda'))).toBe(true);
    expect(interfaces.some((name) => name.includes('.sqs'))).toBe(true);
  });

  it('outputs brokers, bucket and tables', () => {
    for (const name of ['BootstrapBrokers', 'LakeBucket', 'StateTable', 'AlertsTable', 'AthenaWorkGroup'])
      t.hasOutput(name, {});
  });
});
