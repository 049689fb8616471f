import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ServerlessKafka } from './serverless-kafka.ts';

export interface ProducerAccessProps {
  readonly kafka: ServerlessKafka;
  /** The VPC the producer security group belongs to (the cluster's). */
  readonly vpc: ec2.IVpc;
  /** The one topic producers may write. */
  readonly topicName: string;
  /**
   * Accounts whose principals may assume the producer role (its only permission: the producer policy). Their own
   * administrators then delegate `sts:AssumeRole` on it. @default none (no role)
   */
  readonly producerAccounts?: readonly string[];
}

/**
 * What a producer inside AWS attaches and goes: a managed policy that can write the telemetry topic and nothing else
 * (Connect on the cluster; DescribeTopic and WriteData on the topic; no read, no group, no other topic), a security
 * group the brokers admit on 9098, and, for listed accounts, a role carrying that policy.
 */
export class ProducerAccess extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly securityGroup: ec2.SecurityGroup;
  readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: ProducerAccessProps) {
    super(scope, id);
    if (props.topicName.trim() === '') throw new Error(`ProducerAccess ${id}: topicName must not be empty`);
    const accounts = props.producerAccounts ?? [];
    const bad = accounts.find((a) => !/^\d{12}$/.test(a));
    if (bad !== undefined) throw new Error(`ProducerAccess ${id}: "${bad}" is not a 12-digit account id`);

    this.securityGroup = props.kafka.clientSecurityGroup(
      this,
      'SecurityGroup',
      props.vpc,
      'FleetStream producers',
    );
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `FleetStream producer: write the ${props.topicName} topic (IAM-signed Kafka, port 9098), nothing else`,
      statements: [
        new iam.PolicyStatement({
          actions: ['kafka-cluster:Connect'],
          resources: [props.kafka.clusterArn],
        }),
        new iam.PolicyStatement({
          actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
          resources: [props.kafka.topicArn(props.topicName)],
        }),
      ],
    });
    if (accounts.length > 0) {
      this.role = new iam.Role(this, 'Role', {
        description:
          'FleetStream producer role for principals of the listed accounts: writes the telemetry topic',
        assumedBy: new iam.CompositePrincipal(...accounts.map((a) => new iam.AccountPrincipal(a))),
        managedPolicies: [this.policy],
      });
    }
  }
}
