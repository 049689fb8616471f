import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ENV, LOAD_GENERATOR_LIMITS, type LoadGeneratorLimits } from '#core/contract/index.ts';
import { FleetFunction } from './fleet-function.ts';
import type { ServerlessKafka } from './serverless-kafka.ts';

/** Default memory of the generator function (the cost model's caps read it). */
export const LOAD_GENERATOR_MEMORY_MB = 1024;

export interface LoadGeneratorProps {
  readonly kafka: ServerlessKafka;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** The topic it produces to. */
  readonly topicName: string;
  /** @default 1024 */
  readonly memoryMb?: number;
  /**
   * Bounds the function enforces on every request (fleet size, rate, count); a request beyond them is refused with
   * the reason. @default LOAD_GENERATOR_LIMITS
   */
  readonly limits?: LoadGeneratorLimits;
  /** Concurrent invocations at most; 0 = unreserved. @default 2 */
  readonly reservedConcurrency?: number;
  /** Repository root holding lambda/load-generator/handler.ts. */
  readonly projectRoot: string;
}

/**
 * The telemetry generator as an in-VPC Lambda, because MSK Serverless is reachable only from inside the VPC:
 * `npm run generate -- --remote …` invokes it. IAM lets it write to the one topic and nothing else.
 */
export class LoadGenerator extends Construct {
  readonly fn: FleetFunction;

  constructor(scope: Construct, id: string, props: LoadGeneratorProps) {
    super(scope, id);
    if (props.topicName.trim() === '') throw new Error(`LoadGenerator ${id}: topicName must not be empty`);
    const reserved = props.reservedConcurrency ?? 2;
    if (!Number.isInteger(reserved) || reserved < 0)
      throw new Error(`LoadGenerator ${id}: reservedConcurrency must be an integer >= 0, got ${reserved}`);
    const limits = props.limits ?? LOAD_GENERATOR_LIMITS;
    for (const [key, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`LoadGenerator ${id}: limits.${key} must be a positive integer, got ${value}`);
    }
    const securityGroup = props.kafka.clientSecurityGroup(
      this,
      'SecurityGroup',
      props.vpc,
      'Load generator Lambda',
    );

    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/load-generator/handler.ts'),
      description: 'Produces synthetic modem telemetry to MSK (npm run generate -- --remote)',
      memoryMb: props.memoryMb ?? LOAD_GENERATOR_MEMORY_MB,
      timeout: Duration.minutes(15),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      ...(reserved > 0 ? { reservedConcurrency: reserved } : {}),
    })
      .bindSetting(ENV.bootstrapBrokers, props.kafka.bootstrapBrokers)
      .bindSetting(ENV.topicName, props.topicName)
      .bindSetting(ENV.loadGeneratorLimits, JSON.stringify(limits));
    props.kafka.grantProduce(this.fn.function, props.topicName);
  }
}
