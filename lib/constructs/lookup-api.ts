import * as path from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GSI_ALERTS_BY_DAY, GSI_BY_MODEL, GSI_BY_STATUS } from '#core/items.ts';
import { FleetFunction } from './fleet-function.ts';
import type { FleetTables } from './fleet-tables.ts';

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

  constructor(scope: Construct, id: string, props: LookupApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    const accountCloudWatchRole = props.accountCloudWatchRole ?? true;
    if (!Number.isInteger(rateLimit) || rateLimit < 1)
      throw new Error(`LookupApi ${id}: rateLimit must be a positive integer, got ${rateLimit}`);
    if (!Number.isInteger(burstLimit) || burstLimit < 1)
      throw new Error(`LookupApi ${id}: burstLimit must be a positive integer, got ${burstLimit}`);

    this.fn = new FleetFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'lambda/lookup-api/handler.ts'),
      description: 'FleetStream lookup API: devices, windows, fleet, alerts, rules',
      memoryMb: 1024,
    })
      .bindTable('STATE_TABLE', props.tables.state, 'read', [GSI_BY_STATUS, GSI_BY_MODEL])
      .bindTable('REGISTRY_TABLE', props.tables.registry, 'read')
      .bindTable('RULES_TABLE', props.tables.rules, 'readWrite')
      .bindTable('ALERTS_TABLE', props.tables.alerts, 'read', [GSI_ALERTS_BY_DAY]);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
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
        stageName: 'v1',
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
    // No request validator: the proxy methods declare no parameters or models for one to check; the handler validates
    // every request and answers 400 with the reason.

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'The API is SigV4-only (no anonymous callers) and stage-throttled; WAF is left to deployments that need it.',
      },
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
