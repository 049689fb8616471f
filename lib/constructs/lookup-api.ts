import * as path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type CallerLimits,
  ENV,
  GSI_ALERTS_BY_DAY,
  GSI_BY_MODEL,
  GSI_BY_STATUS,
} from '#core/contract/index.ts';
import { ApiCallerLimits } from './api-caller-limits.ts';
import { FleetFunction } from './fleet-function.ts';
import type { FleetTables } from './fleet-tables.ts';

const STAGE = 'v1';
/** The handler's memory (the cost model's caps read it). */
export const LOOKUP_API_MEMORY_MB = 1024;

export interface LookupApiProps {
  readonly tables: FleetTables;
  /** Steady-state requests per second for the whole stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst above the rate. @default 100 */
  readonly burstLimit?: number;
  /** Repository root holding lambda/lookup-api/handler.ts. */
  readonly projectRoot: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Concurrent invocations of the handler at most (a cost cap; beyond it API Gateway answers 5xx); 0 = unreserved. @default 10 */
  readonly reservedConcurrency?: number;
  /** Per-caller (source IP) limits by a WAF web ACL on the stage. @default - none (stage throttle only) */
  readonly callerLimits?: CallerLimits;
  /**
   * Create the account-level role API Gateway writes logs with and set it on the region's account settings. It is
   * retained on stack deletion: the setting is shared by every API of the region, and deleting the role would break
   * their logging. Turn off when the account setting is managed elsewhere (it must then already name a role).
   * @default true
   */
  readonly accountCloudWatchRole?: boolean;
}

/**
 * REST API (v1, Lambda proxy) in front of the lookup-api Lambda. Every method requires SigV4 (AWS_IAM): the API
 * exposes device data and lets callers change alert rules, so it is never open. Throttled, access-logged, traced.
 */
export class LookupApi extends Construct {
  readonly fn: FleetFunction;
  readonly api: apigateway.LambdaRestApi;
  readonly accessLogs: logs.LogGroup;
  /** Attach to principals that may read devices, fleet, alerts and rules. */
  readonly readPolicy: iam.ManagedPolicy;
  /**
   * Attach (with readPolicy) to principals that may change alert rules, acknowledge alerts and mute devices or models
   * (PUT/DELETE /rules/*, POST /alerts/{alertId}/ack, PUT/DELETE /mutes/*).
   */
  readonly rulesAdminPolicy: iam.ManagedPolicy;
  /** The WAF web ACL on the stage, when per-caller limits are on. */
  readonly callerLimits?: ApiCallerLimits;

  constructor(scope: Construct, id: string, props: LookupApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    const accountCloudWatchRole = props.accountCloudWatchRole ?? true;
    const reserved = props.reservedConcurrency ?? 10;
    if (!Number.isInteger(reserved) || reserved < 0)
      throw new Error(`LookupApi ${id}: reservedConcurrency must be an integer >= 0, got ${reserved}`);
    if (!Number.isInteger(rateLimit) || rateLimit < 1)
      throw new Error(`LookupApi ${id}: rateLimit must be a positive integer, got ${rateLimit}`);
    if (!Number.isInteger(burstLimit) || burstLimit < 1)
      throw new Error(`LookupApi ${id}: burstLimit must be a positive integer, got ${burstLimit}`);

    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/lookup-api/handler.ts'),
      description: 'FleetStream lookup API: devices, windows, fleet, alerts, rules',
      memoryMb: LOOKUP_API_MEMORY_MB,
      ...(reserved > 0 ? { reservedConcurrency: reserved } : {}),
    })
      // Exactly the calls the routes make (lambda/lookup-api): it reads everything and writes only the rules and
      // operator tables.
      .bindTable(
        ENV.stateTable,
        props.tables.state,
        ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'],
        [GSI_BY_STATUS, GSI_BY_MODEL],
      )
      .bindTable(ENV.registryTable, props.tables.registry, ['dynamodb:GetItem'])
      .bindTable(ENV.rulesTable, props.tables.rules, [
        'dynamodb:GetItem',
        'dynamodb:Scan',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ])
      .bindTable(ENV.alertsTable, props.tables.alerts, ['dynamodb:Query'], [GSI_ALERTS_BY_DAY])
      // Mutes and acknowledgements (lambda/lookup-api/mutes.ts, acks.ts).
      .bindTable(ENV.operatorTable, props.tables.operator, [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ]);

    // Who called what and when: kept after the stack is deleted (recovery and audit material).
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new apigateway.LambdaRestApi(this, 'Api', {
      handler: this.fn.function,
      proxy: true,
      description: 'FleetStream lookup API (SigV4)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: accountCloudWatchRole,
      ...(accountCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      deployOptions: {
        stageName: STAGE,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // Callers get `execute-api:Invoke` from one of these. API Gateway authorizes each SigV4 request against
    // `<api>/<stage>/<HTTP verb>/<path>` of that request, so reading (`GET/*`) and rules admin (`PUT`/`DELETE`
    // `/rules/*`) are separate permissions even though one proxy method serves every route.
    const invoke = (...routes: Array<[string, string]>) =>
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: routes.map(([method, route]) => this.api.arnForExecuteApi(method, route, STAGE)),
      });
    this.readPolicy = new iam.ManagedPolicy(this, 'ReadPolicy', {
      description: 'FleetStream lookup API: read-only (GET on every route)',
      statements: [invoke(['GET', '/*'])],
    });
    this.rulesAdminPolicy = new iam.ManagedPolicy(this, 'RulesAdminPolicy', {
      // The description predates acks and mutes; it stays as deployed (a changed description replaces the policy and
      // detaches it from every principal it was attached to outside this stack).
      description: 'FleetStream lookup API: change and delete alert rules (PUT/DELETE /rules/{ruleId})',
      statements: [
        invoke(
          ['PUT', '/rules/*'],
          ['DELETE', '/rules/*'],
          ['POST', '/alerts/*/ack'],
          ['PUT', '/mutes/*'],
          ['DELETE', '/mutes/*'],
        ),
      ],
    });
    // cdk-nag names a finding by the resource as it renders it: the API's logical id stands for its Ref.
    const stack = Stack.of(this);
    const apiId = stack.resolve(stack.getLogicalId(this.api.node.defaultChild as apigateway.CfnRestApi));
    const routeFinding = (route: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${STAGE}/${route}]`;
    const reason =
      'An execute-api ARN ends in a route pattern: GET/* is every read route of this API stage, PUT|DELETE/rules/* ' +
      'every rule; both are scoped to this API and stage.';
    const adminReason =
      'The admin routes end in an id pattern: POST/alerts/*/ack is acknowledging any alert, PUT|DELETE/mutes/* any ' +
      'mute; scoped to this API and stage.';
    Validations.of(this.readPolicy).acknowledge({ id: routeFinding('GET/*'), reason });
    Validations.of(this.rulesAdminPolicy).acknowledge(
      { id: routeFinding('PUT/rules/*'), reason },
      { id: routeFinding('DELETE/rules/*'), reason },
      { id: routeFinding('POST/alerts/*/ack'), reason: adminReason },
      { id: routeFinding('PUT/mutes/*'), reason: adminReason },
      { id: routeFinding('DELETE/mutes/*'), reason: adminReason },
    );
    // No request validator: the proxy methods declare no parameters or models for one to check; the handler validates
    // every request and answers 400 with the reason.

    if (props.callerLimits !== undefined)
      this.callerLimits = new ApiCallerLimits(this, 'CallerLimits', {
        stage: this.api.deploymentStage,
        stageName: STAGE,
        limits: props.callerLimits,
      });
    else
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'guardrails.callerLimits.enabled is false: the API is SigV4-only (no anonymous callers) and stage-throttled.',
      });
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-COG4', reason: 'Callers are AWS principals (IAM auth), not Cognito user pools.' },
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Proxy methods declare no parameters or models, so an API Gateway validator would check nothing; the handler ' +
          'validates every path, query and body and answers 400 with the reason (docs/openapi.json).',
      },
    );
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole !== undefined)
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway needs to write execution logs; this AWS-managed policy covers only CloudWatch Logs.',
      });
  }

  /** The stage's invoke URL, ending in `/`. */
  get url(): string {
    return this.api.url;
  }
}
