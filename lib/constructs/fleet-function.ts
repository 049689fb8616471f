import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LAMBDA_LIMITS } from '#core/contract/index.ts';
import { LAMBDA_NODE_OPTIONS, lambdaBundling } from '#lib/lambda-bundling.ts';

const { memoryMb: MEMORY, timeoutSeconds: TIMEOUT } = LAMBDA_LIMITS;

/** Actions that write items: a function granted one needs to encrypt with the table's key, not only decrypt. */
const TABLE_WRITE_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
]);

export interface FleetFunctionProps {
  /** Absolute path of the handler module (TypeScript), exporting `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Run inside this VPC (only functions that talk to MSK need it). @default - not in a VPC */
  readonly vpc?: ec2.IVpc;
  /** Subnets when `vpc` is set. @default - the VPC's private (or isolated) subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups when `vpc` is set. @default - one created by Lambda */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Extra environment variables; prefer the bind*() helpers, which also grant access. @default - none */
  readonly environment?: Record<string, string>;
  /** @default - unreserved */
  readonly reservedConcurrency?: number;
}

/** The one place that decides how every FleetStream Lambda is built: runtime, architecture, tracing, logs, bundling. */
export class FleetFunction extends Construct {
  /**
   * Newest Node.js runtime this aws-cdk-lib knows; pinned (not NODEJS_LATEST) so a CDK upgrade never changes it
   * silently. Must match LAMBDA_NODE_MAJOR, the bundling target (test/infra/bundles-load.test.ts holds them together).
   */
  static readonly RUNTIME = lambda.Runtime.NODEJS_24_X;

  /** The handler module this function bundles. */
  readonly entry: string;
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** The function's own role: no AWS-managed policies, only what the bind*() and grant calls add. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FleetFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    const memoryMb = props.memoryMb ?? 512;
    if (!Number.isInteger(memoryMb) || memoryMb < MEMORY.min || memoryMb > MEMORY.max) {
      throw new Error(
        `FleetFunction ${id}: memoryMb must be an integer from ${MEMORY.min} to ${MEMORY.max}, got ${memoryMb}`,
      );
    }
    const timeout = props.timeout ?? Duration.seconds(30);
    if (timeout.toSeconds() < TIMEOUT.min || timeout.toSeconds() > TIMEOUT.max) {
      throw new Error(
        `FleetFunction ${id}: timeout must be ${TIMEOUT.min}–${TIMEOUT.max} seconds, got ${timeout.toSeconds()}`,
      );
    }
    if (!props.entry.endsWith('.ts'))
      throw new Error(`FleetFunction ${id}: entry must be a .ts file, got ${props.entry}`);
    if (props.vpcSubnets !== undefined && props.vpc === undefined) {
      throw new Error(`FleetFunction ${id}: vpcSubnets needs vpc`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (Lambda execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    if (props.vpc !== undefined) {
      // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's ENIs with these.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions use "*": X-Ray PutTraceSegments/PutTelemetryRecords (tracing), ' +
        'EC2 network-interface actions (VPC functions, MSK event source pollers) and dynamodb:ListStreams (stream sources). ' +
        'Data-plane access (tables, topics, streams, kafka-cluster) is scoped to ARNs.',
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      role: this.role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: FleetFunction.RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: memoryMb,
      timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      vpc: props.vpc,
      // Lambda refuses public subnets; the default selection picks the private (or isolated) ones.
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      reservedConcurrentExecutions: props.reservedConcurrency,
      // Source maps ship in every bundle; this makes stack traces use them.
      environment: { NODE_OPTIONS: LAMBDA_NODE_OPTIONS, ...props.environment },
      ...codeOrBundling(this, props.entry),
    });
  }

  /** Sets an environment variable that carries no permission (a plain setting). */
  bindSetting(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Sets `name` to the table name and grants exactly the actions listed (the calls the function makes), on the table
   * and on the named indexes only (CDK's grant*Data would add `index/*`). Adds the table's KMS key when it has a
   * customer-managed one.
   */
  bindTable(
    name: string,
    table: dynamodb.ITable,
    actions: readonly `dynamodb:${string}`[],
    indexes: readonly string[] = [],
  ): this {
    this.function.addEnvironment(name, table.tableName);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    if (table.encryptionKey !== undefined) {
      if (actions.some((action) => TABLE_WRITE_ACTIONS.has(action)))
        table.encryptionKey.grantEncryptDecrypt(this.role);
      else table.encryptionKey.grantDecrypt(this.role);
    }
    return this;
  }

  /** Sets `name` to the topic ARN and grants publish (and use of the topic's KMS key). */
  bindTopic(name: string, topic: sns.ITopic): this {
    this.function.addEnvironment(name, topic.topicArn);
    topic.grantPublish(this.role);
    if (topic.masterKey !== undefined) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          "Publishing to a KMS-encrypted SNS topic needs GenerateDataKey* — granted on that topic's key only.",
      });
    }
    return this;
  }

  /** Sets `name` to a Firehose stream name and grants PutRecord/PutRecordBatch on that stream only. */
  bindDeliveryStream(
    name: string,
    stream: { readonly deliveryStreamName: string; readonly deliveryStreamArn: string },
  ): this {
    this.function.addEnvironment(name, stream.deliveryStreamName);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [stream.deliveryStreamArn],
      }),
    );
    return this;
  }
}

/**
 * esbuild bundling, run locally (no Docker), from the project's one bundling definition (lib/lambda-bundling.ts):
 * self-contained ESM, the AWS SDK included. When the stack's bundling is skipped (`cdk list`, tests with
 * `aws:cdk:bundling-stacks: []`) and the handler does not exist yet, a placeholder stands in: no asset is built then.
 */
const codeOrBundling = (scope: Construct, entry: string): Partial<nodejs.NodejsFunctionProps> => {
  if (!Stack.of(scope).bundlingRequired && !existsSync(entry)) {
    return {
      code: lambda.Code.fromInline('exports.handler = async () => { throw new Error("not bundled"); };'),
      handler: 'index.handler',
    };
  }
  return {
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: lambdaBundling.target,
      mainFields: [...lambdaBundling.mainFields],
      minify: lambdaBundling.minify,
      sourceMap: lambdaBundling.sourcemap,
      sourcesContent: lambdaBundling.sourcesContent,
      // Explicitly empty: NodejsFunction's default for Node 18+ runtimes is `['@aws-sdk/*']`.
      externalModules: [...lambdaBundling.external],
      banner: lambdaBundling.banner,
      forceDockerBundling: false,
    },
  };
};
