import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV, IDEMPOTENCY_TABLE, INGEST_PATH, INGEST_TIMEOUT_SECONDS } from '#core/contract/index.ts';
import { FleetFunction } from './fleet-function.ts';
import type { ServerlessKafka } from './serverless-kafka.ts';

export interface IngestRouteProps {
  /** The REST API (SigV4) the route is added to: the lookup API's, so devices and operators use one endpoint. */
  readonly api: apigateway.RestApi;
  readonly kafka: ServerlessKafka;
  /** The cluster's VPC and subnets: MSK Serverless is reachable only from there. */
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly topicName: string;
  /** Reserved concurrency of the ingest function (also its ceiling). @default 10 */
  readonly reservedConcurrency?: number;
  /** Repository root holding lambda/ingest/handler.ts. */
  readonly projectRoot: string;
}

/**
 * `POST /ingest` on the REST API: SigV4 with its own managed policy, an in-VPC function that writes the posted records
 * to the topic (acks=all) and an on-demand idempotency table whose items expire by TTL.
 */
export class IngestRoute extends Construct {
  readonly fn: FleetFunction;
  readonly idempotencyTable: dynamodb.Table;
  /** Attach to principals (gateways, IAM Roles Anywhere profiles) that may post telemetry. */
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: IngestRouteProps) {
    super(scope, id);
    const concurrency = props.reservedConcurrency ?? 10;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error(
        `IngestRoute ${id}: reservedConcurrency must be a positive integer, got ${concurrency}`,
      );
    if (props.topicName.trim() === '') throw new Error(`IngestRoute ${id}: topicName must not be empty`);

    this.idempotencyTable = new dynamodb.Table(this, 'Idempotency', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.idempotencyTable).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'Idempotency records live an hour (TTL) and are re-creatable by design; there is nothing to restore.',
    });

    const securityGroup = props.kafka.clientSecurityGroup(this, 'SecurityGroup', props.vpc, 'Ingest Lambda');
    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/ingest/handler.ts'),
      description: 'FleetStream POST /ingest: writes posted telemetry to MSK (acks=all)',
      memoryMb: 1024,
      timeout: Duration.seconds(INGEST_TIMEOUT_SECONDS),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      reservedConcurrency: concurrency,
    })
      .bindSetting(ENV.bootstrapBrokers, props.kafka.bootstrapBrokers)
      .bindSetting(ENV.topicName, props.topicName)
      .bindTable(IDEMPOTENCY_TABLE.envVar, this.idempotencyTable, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ]);
    props.kafka.grantProduce(this.fn.function, props.topicName);

    // An explicit resource beside the API's {proxy+}: API Gateway matches it first, so /ingest never reaches lookup.
    const resource = new apigateway.Resource(this, 'Resource', {
      parent: props.api.root,
      pathPart: INGEST_PATH.slice(1),
    });
    resource.addMethod('POST', new apigateway.LambdaIntegration(this.fn.function), {
      authorizationType: apigateway.AuthorizationType.IAM,
    });

    const stage = props.api.deploymentStage.stageName;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'FleetStream ingest: POST /ingest only (SigV4)',
      statements: [
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [props.api.arnForExecuteApi('POST', INGEST_PATH, stage)],
        }),
      ],
    });
    acknowledgeApiFindings(resource);
  }
}

/** cdk-nag names the method by its resource; the API-wide acknowledgements sit on the lookup API. */
const acknowledgeApiFindings = (resource: apigateway.Resource): void => {
  Validations.of(resource).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Callers are AWS principals (SigV4, e.g. gateways with IAM Roles Anywhere), not Cognito users.',
  });
};
