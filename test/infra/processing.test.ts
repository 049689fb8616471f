import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  allowStatements,
  render,
  resourcesOf,
  resourcesOfStatement,
  type Synthesized,
  synthFleetStream,
} from '#test/support/infra.ts';

let s: Synthesized;
let t: Template;
beforeAll(() => {
  s = synthFleetStream({
    processor: {
      batchSize: 2500,
      maxBatchingWindowSeconds: 5,
      startingPosition: 'LATEST',
      consumerGroupId: 'fs-test-group',
    },
  });
  t = s.processing$;
});

const functionNamed = (prefix: string) => {
  const found = resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no function ${prefix}`);
  return found;
};

describe('state processor and its MSK event source', () => {
  it('maps the cluster and topic with the configured batch settings, consumer group and failure destination', () => {
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('KafkaCluster.*Arn') },
      Topics: ['modem-telemetry'],
      BatchSize: 2500,
      MaximumBatchingWindowInSeconds: 5,
      StartingPosition: 'LATEST',
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'fs-test-group' },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorFailures'), 'Arn'] } },
      },
      FunctionName: { Ref: Match.stringLikeRegexp('^ProcessorFunction') },
    });
  });

  it('uses on-demand pollers and no mapping metrics by default', () => {
    const [[, esm] = ['', {}]] = resourcesOf(t, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => m.Topics !== undefined,
    );
    expect(esm.ProvisionedPollerConfig).toBeUndefined();
    expect(esm.MetricsConfig).toBeUndefined();
  });

  it('sets provisioned pollers with the Kafka metrics on when configured', () => {
    const { processing$ } = synthFleetStream({
      processor: { provisionedPollers: { minimum: 2, maximum: 40 } },
    });
    processing$.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['modem-telemetry'],
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 40 },
      MetricsConfig: { Metrics: Match.arrayWith(['KafkaMetrics']) },
    });
  });

  it('is deployed only after the topic exists (processing stack depends on the stateful stack)', () => {
    expect(s.processing.dependencies).toContain(s.stateful);
    const esm = s.processing.processor.eventSourceMapping.node.dependencies;
    expect(esm).toContain(s.stateful.topic.resource);
  });

  it('runs the processor on arm64, the newest Node runtime, traced, with the data-model environment', () => {
    const [, fn] = functionNamed('ProcessorFunction');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const name of [
      'STATE_TABLE',
      'REGISTRY_TABLE',
      'RULES_TABLE',
      'ALERTS_TABLE',
      'DEAD_LETTER_STREAM',
    ]) {
      expect(env[name], name).toBeDefined();
    }
    expect(env.WINDOW_RETENTION_DAYS).toBe('7');
    expect(fn.VpcConfig).toBeUndefined();
  });

  it('grants the processor exactly the kafka-cluster actions the event source needs', () => {
    const policy = resourcesOf(t, 'AWS::IAM::Policy').find(([id]) =>
      id.startsWith('ProcessorFunctionRole'),
    )?.[1];
    if (policy === undefined) throw new Error('no processor policy');
    const statements = (policy.PolicyDocument as { Statement: Parameters<typeof actionsOf>[0][] }).Statement;
    const kafka = statements.flatMap(actionsOf).filter((a) => a.startsWith('kafka'));
    expect(new Set(kafka)).toEqual(
      new Set([
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeGroup',
        'kafka-cluster:AlterGroup',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:ReadData',
        'kafka:DescribeCluster',
        'kafka:DescribeClusterV2',
        'kafka:GetBootstrapBrokers',
      ]),
    );
  });

  it('scopes every kafka-cluster action, in both stacks, to the cluster, topic or group ARNs (never *)', () => {
    const name = s.stateful.kafka.clusterName;
    const arn = (kind: string, rest: string) =>
      new RegExp(
        `^arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:${kind}/${name}/<uuid\\(<[^>]*KafkaCluster[^>]*>\\)>/${rest}$`,
      );
    const allowed = [
      /^<(KafkaCluster\w+\.Arn|import:FleetStreamStateful:ExportsOutputFnGetAttKafkaCluster\w+)>$/,
      arn('topic', 'modem-telemetry'),
      arn('group', 'fs-test-group'),
      arn('group', '\\*'), // Firehose's own consumer group, still inside this cluster
    ];
    let checked = 0;
    for (const template of [s.stateful$, t]) {
      for (const statement of allowStatements(template)) {
        if (!actionsOf(statement).some((a) => a.startsWith('kafka-cluster:'))) continue;
        for (const resource of resourcesOfStatement(statement)) {
          const rendered = render(resource);
          expect(rendered).not.toBe('*');
          expect(
            allowed.some((re) => re.test(rendered)),
            rendered,
          ).toBe(true);
          checked++;
        }
      }
    }
    // processor, load generator, topic admin, Firehose: each has cluster + topic (+ group) statements
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('grants table access without index wildcards', () => {
    const tableStatements = allowStatements(t).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('dynamodb:')),
    );
    expect(tableStatements.length).toBeGreaterThan(0);
    for (const st of tableStatements) {
      for (const resource of resourcesOfStatement(st)) {
        const rendered = render(resource);
        if (actionsOf(st).includes('dynamodb:ListStreams')) continue; // ListStreams has no resource-level permission
        expect(rendered).not.toContain('*');
      }
    }
  });
});

describe('notifier, API, load generator', () => {
  it('feeds the notifier from the alerts stream with partial-batch retries and a failure queue', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('TablesAlerts.*StreamArn') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    const [, fn] = functionNamed('NotifierFunction');
    expect(
      (fn.Environment as { Variables: Record<string, unknown> }).Variables.ALERT_TOPIC_ARN,
    ).toBeDefined();
  });

  it('never leaves an API method open: every method requires IAM (SigV4)', () => {
    const methods = resourcesOf(t, 'AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThanOrEqual(2);
    for (const [id, method] of methods) {
      if (method.HttpMethod === 'OPTIONS') continue;
      expect(method.AuthorizationType, id).toBe('AWS_IAM');
    }
  });

  it('throttles, traces and access-logs the API stage', () => {
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR' }),
      ]),
    });
  });

  it('has no request validator (the proxy declares nothing one could check; the handler answers 400)', () => {
    t.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
  });

  it('keeps the account-level API Gateway logging role when the stack is deleted', () => {
    const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([, role]) =>
      JSON.stringify(role).includes('AmazonAPIGatewayPushToCloudWatchLogs'),
    );
    expect(roles).toHaveLength(1);
    const [, role] = roles[0] ?? [];
    expect(role).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const accounts = Object.values(t.findResources('AWS::ApiGateway::Account'));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('leaves the account setting alone when accountCloudWatchRole is false', () => {
    const { processing$ } = synthFleetStream({ api: { accountCloudWatchRole: false } });
    processing$.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(JSON.stringify(processing$.toJSON())).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('runs the load generator in the VPC with produce-only access to the topic', () => {
    const [, fn] = functionNamed('LoadGeneratorFunction');
    expect(fn.VpcConfig).toBeDefined();
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.TOPIC_NAME).toBe('modem-telemetry');
    expect(env.BOOTSTRAP_BROKERS).toBeDefined();
    const policy = resourcesOf(t, 'AWS::IAM::Policy').find(([id]) =>
      id.startsWith('LoadGeneratorFunctionRole'),
    )?.[1];
    const actions = JSON.stringify(policy?.PolicyDocument);
    expect(actions).toContain('kafka-cluster:WriteData');
    expect(actions).not.toContain('kafka-cluster:ReadData');
    expect(actions).not.toContain('kafka-cluster:CreateTopic');
  });

  it('lets the load generator and topic admin reach the brokers on 9098 only', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 9098,
      ToPort: 9098,
      IpProtocol: 'tcp',
    });
    s.stateful$.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 9098,
      ToPort: 9098,
      IpProtocol: 'tcp',
    });
  });
});

describe('operations', () => {
  it('has one dashboard covering ingress, offset lag, processor, DynamoDB, Firehose and dead letters', () => {
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = render(resourcesOf(t, 'AWS::CloudWatch::Dashboard')[0]?.[1].DashboardBody);
    for (const metric of [
      'MessagesInPerSec',
      'OffsetLag',
      'Duration',
      'Errors',
      'WriteThrottleEvents',
      'DeliveryToS3.Records',
      'IncomingRecords',
    ]) {
      expect(body, metric).toContain(metric);
    }
  });

  it('alarms on processor errors, offset lag, throttles, archive freshness, dead letters and failures, to the ops topic', () => {
    const alarms = resourcesOf(t, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    const opsTopic = Object.keys(t.findResources('AWS::SNS::Topic'))[0];
    for (const [id, alarm] of alarms) expect(alarm.AlarmActions, id).toEqual([{ Ref: opsTopic }]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'OffsetLag', Threshold: 100_000 });
  });

  it('alarms when the processor keeps seeing offsets go backwards (3 periods of 5 minutes)', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'FleetStream',
      MetricName: 'OffsetsRewound',
      Dimensions: [{ Name: 'service', Value: 'state-processor' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('encrypts the ops topic with a key CloudWatch alarms may use', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('outputs the API URL and the load generator function', () => {
    t.hasOutput('ApiUrl', {});
    t.hasOutput('LoadGeneratorFunction', {});
  });
});

describe('least privilege on tables and on the API', () => {
  /** For one function role: table (State, Registry, Rules, Alerts) → the DynamoDB actions granted on it. */
  const tableActions = (rolePrefix: string): Map<string, Set<string>> => {
    const policy = resourcesOf(t, 'AWS::IAM::Policy').find(([id]) => id.startsWith(rolePrefix))?.[1];
    if (policy === undefined) throw new Error(`no policy ${rolePrefix}`);
    const byTable = new Map<string, Set<string>>();
    for (const statement of (policy.PolicyDocument as { Statement: Parameters<typeof actionsOf>[0][] })
      .Statement) {
      const actions = actionsOf(statement).filter((a) => a.startsWith('dynamodb:'));
      for (const resource of resourcesOfStatement(statement)) {
        const table = /Tables(State|Registry|Rules|Alerts|Operator)/.exec(render(resource))?.[1];
        if (table === undefined || actions.length === 0) continue;
        byTable.set(table, new Set([...(byTable.get(table) ?? []), ...actions]));
      }
    }
    return byTable;
  };

  it('grants the processor exactly the DynamoDB calls it makes (no delete, scan or update of state, no query)', () => {
    expect(tableActions('ProcessorFunctionRole')).toEqual(
      new Map([
        ['State', new Set(['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'])],
        ['Registry', new Set(['dynamodb:BatchGetItem'])],
        ['Rules', new Set(['dynamodb:Scan'])],
        ['Alerts', new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem'])],
      ]),
    );
  });

  it('grants the lookup API reads everywhere and writes on the rules and operator tables only', () => {
    expect(tableActions('LookupApiFunctionRole')).toEqual(
      new Map([
        ['State', new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'])],
        ['Registry', new Set(['dynamodb:GetItem'])],
        ['Rules', new Set(['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem'])],
        ['Alerts', new Set(['dynamodb:Query'])],
        [
          'Operator',
          new Set([
            'dynamodb:GetItem',
            'dynamodb:BatchGetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:DeleteItem',
          ]),
        ],
      ]),
    );
  });

  it('groups notifications: a 30 s group window and deliveries of up to 1,000, digests above 10, mutes read', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('TablesAlerts.*StreamArn') },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 30,
    });
    const [, fn] = functionNamed('NotifierFunction');
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.DIGEST_THRESHOLD).toBe('10');
    expect(variables.OPERATOR_TABLE).toBeDefined();
    expect(tableActions('NotifierFunctionRole').get('Operator')).toEqual(new Set(['dynamodb:Query']));
  });

  const invokeResources = (policyPrefix: string): string[] => {
    const policy = resourcesOf(t, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith(policyPrefix))?.[1];
    if (policy === undefined) throw new Error(`no managed policy ${policyPrefix}`);
    const statements = (policy.PolicyDocument as { Statement: Parameters<typeof actionsOf>[0][] }).Statement;
    expect(statements.flatMap(actionsOf)).toEqual(statements.map(() => 'execute-api:Invoke'));
    return statements.flatMap(resourcesOfStatement).map(render);
  };

  it('offers a read-only API policy (GET only) and a separate rules-admin policy, both as stack outputs', () => {
    const api = /^arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<LookupApi\w+>\/v1\//;
    const read = invokeResources('LookupApiReadPolicy');
    expect(read.map((r) => r.replace(api, ''))).toEqual(['GET/*']);
    const admin = invokeResources('LookupApiRulesAdminPolicy');
    expect(admin.map((r) => r.replace(api, '')).sort()).toEqual([
      'DELETE/mutes/*',
      'DELETE/rules/*',
      'POST/alerts/*/ack',
      'PUT/mutes/*',
      'PUT/rules/*',
    ]);
    const outputs = t.findOutputs('*');
    expect(outputs.ApiReadPolicyArn?.Value).toEqual({ Ref: expect.stringMatching(/^LookupApiReadPolicy/) });
    expect(outputs.ApiRulesAdminPolicyArn?.Value).toEqual({
      Ref: expect.stringMatching(/^LookupApiRulesAdminPolicy/),
    });
  });

  // API Gateway matches the request's `<VERB>/<path>` against each resource, `*` standing for any characters.
  const allows = (resources: readonly string[], request: string): boolean =>
    resources.some((resource) => {
      const route = resource.replace(/^.*?\/v1\//, '');
      const pattern = route.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${pattern.join('.*')}$`).test(request);
    });

  it('refuses acknowledging alerts and changing mutes to a reader; the admin policy allows them', () => {
    const read = invokeResources('LookupApiReadPolicy');
    const admin = invokeResources('LookupApiRulesAdminPolicy');
    const writes = [
      'POST/alerts/0123456789abcdef0123456789abcdef/ack',
      'PUT/mutes/maint-evg',
      'DELETE/mutes/maint-evg',
      'PUT/rules/modem-down',
    ];
    for (const request of writes) {
      expect(allows(read, request), request).toBe(false);
      expect(allows(admin, request), request).toBe(true);
    }
    for (const request of ['GET/mutes', 'GET/mutes/maint-evg', 'GET/alerts']) {
      expect(allows(read, request), request).toBe(true);
      expect(allows(admin, request), request).toBe(false);
    }
  });

  it('alarms the ops topic when the notifier skips alerts SNS refused', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'FleetStream',
      MetricName: 'NotificationsFailed',
      Dimensions: [{ Name: 'service', Value: 'notifier' }],
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OpsTopic') }],
    });
  });
});
