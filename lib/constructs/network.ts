import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** Availability zones (MSK Serverless needs at least 2). @default 2 */
  readonly maxAzs?: number;
  /**
   * How private subnets reach AWS APIs. `endpoints`: isolated subnets + interface endpoints for Lambda and STS (what the
   * MSK event source mapping's pollers need) — no internet path at all. `nat`: one NAT gateway, for generators or
   * tools that need the internet. S3 and DynamoDB gateway endpoints are added in both modes (free).
   * @default 'endpoints'
   */
  readonly egress?: 'endpoints' | 'nat';
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly flowLogRetention?: logs.RetentionDays;
}

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
      subnetConfiguration: [
        ...(nat ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        { name: 'workload', subnetType: workloadType, cidrMask: 22 },
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
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    if (!nat) {
      // The MSK event source mapping's pollers run in these subnets and call Lambda and STS; without a NAT they need these.
      for (const [name, service] of [
        ['Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
        ['Sts', ec2.InterfaceVpcEndpointAwsService.STS],
      ] as const) {
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
