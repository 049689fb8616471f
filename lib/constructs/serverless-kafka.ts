import { createHash } from 'node:crypto';
import { ArnFormat, Fn, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface ServerlessKafkaProps {
  readonly vpc: ec2.IVpc;
  /** Subnets in at least two AZs. */
  readonly subnets: ec2.SubnetSelection;
  /** Let Firehose read the cluster over private connectivity (adds the MSK cluster policy). @default false */
  readonly allowFirehose?: boolean;
  /**
   * Other VPCs the cluster gets endpoints in (MSK Serverless: 5 VPC configurations at most, this one included). Fixed at
   * creation: `VpcConfigs` is create-only, so a change replaces (and, through the name digest, renames) the cluster.
   * @default none
   */
  readonly clientVpcs?: readonly ClientVpcPlacement[];
}

/** A client VPC's subnets (two AZs at least) and the groups MSK puts on the cluster's endpoints there. */
export interface ClientVpcPlacement {
  readonly subnetIds: readonly string[];
  /** @default the VPC's default security group */
  readonly securityGroupIds?: readonly string[];
}

/** MSK Serverless takes at most this many VPC configurations per cluster. */
export const MSK_SERVERLESS_MAX_VPCS = 5;

/** IAM port of MSK Serverless. */
export const MSK_IAM_PORT = 9098;

/**
 * MSK Serverless with IAM authentication, its bootstrap brokers (MSK has no CloudFormation attribute for them), and
 * grant helpers whose kafka-cluster permissions are scoped to this cluster's cluster/topic/group ARNs — never `*`.
 */
export class ServerlessKafka extends Construct implements ec2.IConnectable {
  readonly cluster: msk.CfnServerlessCluster;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** The cluster UUID, the last segment of the cluster ARN; topic and group ARNs embed it. */
  readonly clusterUuid: string;
  /** `BootstrapBrokerStringSaslIam`: comma-separated host:9098 list. */
  readonly bootstrapBrokers: string;
  readonly securityGroup: ec2.SecurityGroup;
  readonly connections: ec2.Connections;
  /** The policy that lets Firehose connect privately; MSK-sourced streams must be created after it. */
  readonly firehosePolicy?: msk.CfnClusterPolicy;

  constructor(scope: Construct, id: string, props: ServerlessKafkaProps) {
    super(scope, id);
    const subnets = props.vpc.selectSubnets(props.subnets);
    if (!subnets.isPendingLookup && subnets.availabilityZones.length < 2) {
      throw new Error(
        `ServerlessKafka ${id}: MSK Serverless needs subnets in at least 2 AZs, got ${subnets.availabilityZones.length}`,
      );
    }

    const clientVpcs = props.clientVpcs ?? [];
    if (clientVpcs.length + 1 > MSK_SERVERLESS_MAX_VPCS)
      throw new Error(
        `ServerlessKafka ${id}: MSK Serverless takes ${MSK_SERVERLESS_MAX_VPCS} VPCs, this one and ${clientVpcs.length} client VPCs is too many`,
      );
    for (const [i, c] of clientVpcs.entries())
      if (c.subnetIds.length < 2)
        throw new Error(`ServerlessKafka ${id}: client VPC ${i} needs subnets in at least 2 AZs`);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MSK Serverless brokers and the event source mapping pollers that share this group',
    });
    // The Lambda event source mapping's pollers run with the cluster's own security group and must reach the brokers.
    this.securityGroup.addIngressRule(
      this.securityGroup,
      ec2.Port.tcp(MSK_IAM_PORT),
      'Kafka IAM from ESM pollers',
    );
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(MSK_IAM_PORT),
    });

    // MSK requires a name, and a fixed name would make any replacement fail ("already exists"). The suffix is a digest
    // of what decides the create-only VpcConfigs (which subnet and group constructs), so a change that must replace the
    // cluster also renames it and the replacement can be created next to the retained old one.
    // Client VPCs join the digest only when present, so a cluster created without them keeps its name.
    const placement = [
      ...subnets.subnets.map((s) => s.node.path),
      this.securityGroup.node.path,
      ...(clientVpcs.length > 0 ? [JSON.stringify(clientVpcs)] : []),
    ].join(',');
    const digest = createHash('sha256').update(placement).digest('hex').slice(0, 8);
    this.clusterName = `${Names.uniqueResourceName(this, { maxLength: 55, separator: '-' })}-${digest}`;
    this.cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: this.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        { subnetIds: subnets.subnetIds, securityGroups: [this.securityGroup.securityGroupId] },
        ...clientVpcs.map((c) => ({
          subnetIds: [...c.subnetIds],
          ...(c.securityGroupIds?.length ? { securityGroups: [...c.securityGroupIds] } : {}),
        })),
      ],
    });
    // The topic's data lives in the cluster: deleting the stack, or a replacement, must not drop it.
    this.cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.clusterArn = this.cluster.attrArn;
    // arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>
    this.clusterUuid = Fn.select(2, Fn.split('/', this.clusterArn));

    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      installLatestAwsSdk: false,
    });
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');

    if (props.allowFirehose === true) {
      // Firehose's MSK source with PRIVATE connectivity creates a managed VPC connection to the cluster.
      this.firehosePolicy = new msk.CfnClusterPolicy(this, 'FirehosePolicy', {
        clusterArn: this.clusterArn,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'firehose.amazonaws.com' },
              Action: ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'],
              Resource: this.clusterArn,
              // Only for streams of this account. IfExists: the MSK and Firehose guides document no condition keys
              // for this call, so a request without aws:SourceAccount is not refused; one for another account is.
              Condition: { StringEqualsIfExists: { 'aws:SourceAccount': Stack.of(this).account } },
            },
          ],
        },
      });
    }
    acknowledgeSdkProvider(this);
  }

  /** A security group for a Lambda that talks to the brokers (`who` names it), already let in. */
  clientSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc, who: string): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(scope, id, {
      vpc,
      description: `${who}: reaches the MSK brokers only`,
    });
    this.allowClient(scope, group, who);
    return group;
  }

  /**
   * Lets a client security group reach the brokers. The ingress rule is created in `scope` (the client's stack), so a
   * client in a stack that depends on this one does not make this stack depend back on it.
   */
  private allowClient(
    scope: Construct,
    client: ec2.ISecurityGroup,
    description: string,
  ): ec2.CfnSecurityGroupIngress {
    return new ec2.CfnSecurityGroupIngress(scope, 'KafkaIngress', {
      groupId: this.securityGroup.securityGroupId,
      sourceSecurityGroupId: client.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: MSK_IAM_PORT,
      toPort: MSK_IAM_PORT,
      description,
    });
  }

  topicArn(topic: string): string {
    return this.kafkaArn('topic', topic);
  }

  groupArn(groupId: string): string {
    return this.kafkaArn('group', groupId);
  }

  /** Connect + describe the cluster (every client needs it). */
  grantConnect(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kafka-cluster:Connect',
        'kafka:DescribeCluster',
        'kafka:DescribeClusterV2',
        'kafka:GetBootstrapBrokers',
      ],
      resourceArns: [this.clusterArn],
    });
  }

  /** Read a topic as a member of one consumer group (what the Lambda event source mapping does). */
  grantConsume(grantee: iam.IGrantable, topic: string, groupId: string): void {
    this.grantConnect(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resourceArns: [this.topicArn(topic)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resourceArns: [this.groupArn(groupId)],
    });
  }

  /**
   * Read a consumer group's lag without being a member: the topic's end offsets (ListOffsets, metadata) and the
   * group's committed offsets (OffsetFetch). No ReadData, no AlterGroup, nothing on the cluster beyond Connect.
   */
  grantLagRead(grantee: iam.IGrantable, topic: string, groupId: string): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect'],
      resourceArns: [this.clusterArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic'],
      resourceArns: [this.topicArn(topic)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeGroup'],
      resourceArns: [this.groupArn(groupId)],
    });
  }

  /** Write to a topic. */
  grantProduce(grantee: iam.IGrantable, topic: string): void {
    this.grantConnect(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resourceArns: [this.topicArn(topic)],
    });
  }

  /** Create, describe and grow one topic; delete it only when asked to. */
  grantTopicAdmin(grantee: iam.IGrantable, topic: string, allowDelete: boolean): void {
    this.grantConnect(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kafka-cluster:CreateTopic',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:AlterTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration',
        ...(allowDelete ? ['kafka-cluster:DeleteTopic'] : []),
      ],
      resourceArns: [this.topicArn(topic)],
    });
  }

  private kafkaArn(kind: 'topic' | 'group', name: string): string {
    return Stack.of(this).formatArn({
      service: 'kafka',
      resource: kind,
      resourceName: `${this.clusterName}/${this.clusterUuid}/${name}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

/** AwsCustomResource's shared provider Lambda is created once per stack, outside this construct; acknowledge it here. */
const acknowledgeSdkProvider = (scope: Construct): void => {
  const provider = Stack.of(scope).node.findChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`,
  );
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's shared AwsCustomResource Lambda: the managed policy only lets it write its own logs; its API calls are scoped to the cluster ARN.",
  });
};
