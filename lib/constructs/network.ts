import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /**
   * Availability zones (MSK Serverless needs at least 2). Fixed at creation: the cluster's subnet list is a create-only
   * property of MSK Serverless, so changing this replaces the cluster (a new, empty cluster; the old one is retained).
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * How private subnets reach AWS APIs. `endpoints`: isolated workload subnets + interface endpoints for Lambda, STS
   * (what the MSK event source mapping's pollers need) and SQS (its on-failure destination) — no internet path at all.
   * `nat`: one NAT gateway, for generators or tools that need the internet. S3 and DynamoDB gateway endpoints are added
   * in both modes (free). Changes in place: the workload subnets keep their CIDRs and logical ids in both modes.
   * @default 'endpoints'
   */
  readonly egress?: 'endpoints' | 'nat';
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly flowLogRetention?: logs.RetentionDays;
}

/** Interface endpoints of `endpoints` mode, by the id they get in the VPC. */
export const INTERFACE_ENDPOINTS = [
  ['Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
  ['Sts', ec2.InterfaceVpcEndpointAwsService.STS],
  // The MSK event source mapping sends failed-batch records to an SQS queue, which AWS requires to be reachable through
  // an endpoint in the cluster's VPC (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html).
  ['Sqs', ec2.InterfaceVpcEndpointAwsService.SQS],
] as const;

/** VPC for MSK Serverless and the in-VPC Lambdas: private subnets only for workloads, flow logs on. */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** The subnets MSK, the topic admin and the load generator use. */
  readonly workloadSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const maxAzs = props.maxAzs ?? 2;
    if (!Number.isInteger(maxAzs) || maxAzs < 2 || maxAzs > 3) {
      throw new Error(`Network ${id}: maxAzs must be 2 or 3 (MSK Serverless needs two AZs), got ${maxAzs}`);
    }
    const egress = props.egress ?? 'endpoints';
    if (egress !== 'endpoints' && egress !== 'nat') {
      throw new Error(`Network ${id}: egress must be 'endpoints' or 'nat', got ${String(egress)}`);
    }
    const nat = egress === 'nat';
    const workloadType = nat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs,
      natGateways: nat ? 1 : 0,
      // The workload group comes first so its CIDRs are allocated before (and never shifted by) the public subnets that
      // `nat` adds; same name, so same logical ids. Only route tables differ between the modes (updated in place).
      subnetConfiguration: [
        { name: 'workload', subnetType: workloadType, cidrMask: 22 },
        ...(nat ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    this.workloadSubnets = { subnetType: workloadType };

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The role VPC Flow Logs assumes, only for this account's flow logs (confused-deputy conditions, as the VPC user
    // guide recommends: aws:SourceAccount and aws:SourceArn of the flow log).
    const stack = Stack.of(this);
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      description: 'VPC Flow Logs delivery to CloudWatch Logs',
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*`,
          },
        },
      }),
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    if (!nat) {
      // The MSK event source mapping's pollers run in these subnets and call Lambda, STS and SQS; without a NAT they
      // need these.
      for (const [name, service] of INTERFACE_ENDPOINTS) {
        const endpoint = this.vpc.addInterfaceEndpoint(name, {
          service,
          subnets: this.workloadSubnets,
          privateDnsEnabled: true,
        });
        Validations.of(endpoint).acknowledge({
          id: 'AwsSolutions-EC23',
          reason:
            'Ingress is HTTPS from the VPC CIDR only (a token cdk-nag cannot evaluate), never 0.0.0.0/0.',
        });
      }
    }
  }
}
