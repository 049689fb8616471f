import { CfnOutput, Fn, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAKE_PREFIX, TABLES } from '#core/contract/index.ts';
import type { FleetStreamConfig } from './config.ts';
import { CuratedLake } from './constructs/curated-lake.ts';
import { DataLake } from './constructs/data-lake.ts';
import { EncryptedTopic } from './constructs/encrypted-topic.ts';
import { FleetTables } from './constructs/fleet-tables.ts';
import { KafkaTopic } from './constructs/kafka-topic.ts';
import { LakeDeliveryStream } from './constructs/lake-delivery-stream.ts';
import { LakeReaderPolicy } from './constructs/lake-reader-policy.ts';
import { Network } from './constructs/network.ts';
import { ProducerAccess } from './constructs/producer-access.ts';
import { ServerlessKafka } from './constructs/serverless-kafka.ts';

export interface StatefulStackProps extends StackProps {
  readonly config: FleetStreamConfig;
  /** Repository root (handler entry points are resolved from it). */
  readonly projectRoot: string;
}

/**
 * What lives long and holds data: network, MSK Serverless + topic, the raw archive and dead-letter lake, the tables,
 * the alert topic. Deployed rarely; the processing stack can be replaced freely on top of it.
 */
export class StatefulStack extends Stack {
  readonly network: Network;
  readonly kafka: ServerlessKafka;
  readonly topic: KafkaTopic;
  readonly lake: DataLake;
  /** Managed policy for lake readers (Glue, Athena workgroup, raw/ read, results, KMS). */
  readonly lakeReader: LakeReaderPolicy;
  readonly curatedLake: CuratedLake | undefined;
  readonly archive: LakeDeliveryStream;
  readonly deadLetters: LakeDeliveryStream;
  readonly tables: FleetTables;
  readonly alerts: EncryptedTopic;
  readonly producers: ProducerAccess;
  /** Set before anything reads {@link availabilityZones}. */
  private readonly azCount: number;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.azCount = config.vpc.maxAzs;

    this.network = new Network(this, 'Network', { maxAzs: config.vpc.maxAzs, egress: config.vpc.egress });
    const vpc = this.network.vpc;
    const subnets = this.network.workloadSubnets;

    this.kafka = new ServerlessKafka(this, 'Kafka', {
      vpc,
      subnets,
      allowFirehose: true,
      clientVpcs: config.vpc.clientVpcs,
    });
    this.topic = new KafkaTopic(this, 'Topic', {
      kafka: this.kafka,
      vpc,
      subnets,
      topicName: config.topicName,
      partitions: config.topicPartitions,
      deleteOnRemoval: config.deleteTopicOnRemoval,
      projectRoot: props.projectRoot,
    });

    this.lake = new DataLake(this, 'Lake', { objectLockDays: config.guardrails.lakeObjectLockDays });
    const { curatedLake: curated } = config;
    this.lakeReader = new LakeReaderPolicy(this, 'LakeReader', { lake: this.lake, curated: curated.enabled });
    this.curatedLake = curated.enabled
      ? new CuratedLake(this, 'CuratedLake', { lake: this.lake, ...curated, projectRoot: props.projectRoot })
      : undefined;
    this.archive = new LakeDeliveryStream(this, 'RawArchive', {
      bucket: this.lake.bucket,
      key: this.lake.key,
      prefix: LAKE_PREFIX.raw,
      errorPrefix: LAKE_PREFIX.rawErrors,
      source: { kafka: this.kafka, topicName: config.topicName },
    });
    // Firehose checks the topic when the stream is created.
    this.archive.node.addDependency(this.topic.resource);
    this.deadLetters = new LakeDeliveryStream(this, 'DeadLetters', {
      bucket: this.lake.bucket,
      key: this.lake.key,
      prefix: LAKE_PREFIX.deadLetter,
      errorPrefix: LAKE_PREFIX.deadLetterErrors,
      // The processor's dead-letter sink sends complete JSON lines (newline included).
      appendNewline: false,
    });

    const { guardrails } = config;
    this.tables = new FleetTables(this, 'Tables', {
      deletionProtection: config.deletionProtection,
      caps: guardrails.tables,
      ...(guardrails.stateWarmThroughput === undefined
        ? {}
        : { stateWarmThroughput: guardrails.stateWarmThroughput }),
    });
    this.alerts = new EncryptedTopic(this, 'Alerts', {
      displayName: 'FleetStream device alerts',
      email: config.alertEmail,
    });

    this.producers = new ProducerAccess(this, 'Producers', {
      kafka: this.kafka,
      vpc,
      topicName: config.topicName,
      producerAccounts: config.producerAccounts,
    });

    const outputs: Record<string, [string, string]> = {
      BootstrapBrokers: [
        this.kafka.bootstrapBrokers,
        'MSK Serverless bootstrap brokers (SASL/IAM, port 9098)',
      ],
      ClusterArn: [this.kafka.clusterArn, 'MSK Serverless cluster ARN'],
      TopicName: [this.topic.topicName, 'Telemetry topic'],
      LakeBucket: [this.lake.bucket.bucketName, 'Data lake bucket (raw/, dead-letter/)'],
      GlueDatabase: [this.lake.databaseName, 'Glue database of the raw table'],
      AthenaWorkGroup: [this.lake.workGroupName, 'Athena workgroup for lake queries'],
      LakeReaderPolicyArn: [
        this.lakeReader.policy.managedPolicyArn,
        'Managed policy: query the lake (Glue table, Athena workgroup, raw/ read, own results, lake key)',
      ],
      StateTable: [this.tables.state.tableName, TABLES.state.envVar],
      RegistryTable: [this.tables.registry.tableName, TABLES.registry.envVar],
      RulesTable: [this.tables.rules.tableName, TABLES.rules.envVar],
      AlertsTable: [this.tables.alerts.tableName, TABLES.alerts.envVar],
      OperatorTable: [this.tables.operator.tableName, TABLES.operator.envVar],
      AlertTopicArn: [this.alerts.topic.topicArn, 'SNS topic of device alerts'],
      DeadLetterStream: [this.deadLetters.deliveryStreamName, 'Firehose stream of rejected records'],
      ProducerPolicyArn: [
        this.producers.policy.managedPolicyArn,
        'Managed policy: write the telemetry topic (Connect, DescribeTopic, WriteData), nothing else',
      ],
      ClusterSecurityGroupId: [
        this.kafka.securityGroup.securityGroupId,
        "The brokers' security group: add 9098 ingress for peered, transit-gateway or VPN producer CIDRs",
      ],
      ProducerSecurityGroupId: [
        this.producers.securityGroup.securityGroupId,
        'Security group the brokers admit on 9098: attach it to producers in this VPC',
      ],
      ...(this.producers.role === undefined
        ? {}
        : {
            ProducerRoleArn: [
              this.producers.role.roleArn,
              'Role the producerAccounts may assume to write the telemetry topic',
            ] as [string, string],
          }),
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, name, { value, description });
  }

  /**
   * An environment-agnostic stack only gets two AZ tokens from CDK, which would silently cap `vpc.maxAzs` at 2. Ask
   * CloudFormation for the region's AZs instead (Fn::GetAZs at deploy time), as many as configured; a region with
   * fewer AZs than `maxAzs` fails the deploy rather than quietly running in fewer.
   */
  override get availabilityZones(): string[] {
    if (!Token.isUnresolved(this.region)) return super.availabilityZones;
    const azs = Fn.getAzs();
    return Array.from({ length: this.azCount }, (_, index) => Fn.select(index, azs));
  }
}
