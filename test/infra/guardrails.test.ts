import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALLER_LIMITS, LAKE_PREFIX, LOAD_GENERATOR_LIMITS, TABLES } from '#core/contract/index.ts';
import { GUARDRAILS_DEFAULTS } from '#lib/config/guardrails.ts';
import { render, resourcesOf, type Synthesized, synthFleetStream } from './support.ts';

// Issue 25: every cap, retention and confused-deputy condition, pinned on the synthesized templates.
let defaults: Synthesized;
let custom: Synthesized;
let off: Synthesized;
beforeAll(() => {
  defaults = synthFleetStream();
  custom = synthFleetStream({
    opsEmail: 'ops@example.com',
    alertEmail: 'noc@example.com',
    guardrails: {
      tables: { state: { maxReadRequestUnits: 3000, maxWriteRequestUnits: 1500 } },
      stateWarmThroughput: { readUnitsPerSecond: 15_000, writeUnitsPerSecond: 6_000 },
      reservedConcurrency: { lookupApi: 4, loadGenerator: 1 },
      loadGenerator: { maxDevices: 500, maxRate: 100, maxCount: 1000 },
      monthlyBudgetUsd: 250,
      callerLimits: { requestsPerWindow: 600, unfilteredListingsPerWindow: 20, windowSeconds: 60 },
      lakeObjectLockDays: 90,
    },
  });
  off = synthFleetStream({
    guardrails: {
      monthlyBudgetUsd: 0,
      callerLimits: { enabled: false },
      reservedConcurrency: { lookupApi: 0, loadGenerator: 0 },
    },
  });
});

const tableNamed = (t: Template, prefix: string) => {
  const found = resourcesOf(t, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no table ${prefix}`);
  return found[1];
};

const functionNamed = (t: Template, prefix: string) => {
  const found = resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no function ${prefix}`);
  return found[1];
};

const onDemand = (cap: { maxReadRequestUnits: number; maxWriteRequestUnits: number }) => ({
  MaxReadRequestUnits: cap.maxReadRequestUnits,
  MaxWriteRequestUnits: cap.maxWriteRequestUnits,
});

describe('DynamoDB on-demand maxima', () => {
  const ids = [
    ['TablesState', 'state'],
    ['TablesRegistry', 'registry'],
    ['TablesRules', 'rules'],
    ['TablesAlerts', 'alerts'],
  ] as const;

  it.each(ids)('caps %s at its default OnDemandThroughput', (prefix, id) => {
    const table = tableNamed(defaults.stateful$, prefix);
    expect(table.OnDemandThroughput).toEqual(onDemand(GUARDRAILS_DEFAULTS.tables[id]));
  });

  it.each(ids)('caps every index of %s at the table maxima', (prefix, id) => {
    const indexes = (tableNamed(defaults.stateful$, prefix).GlobalSecondaryIndexes ?? []) as Record<
      string,
      unknown
    >[];
    expect(indexes).toHaveLength(TABLES[id].indexes.length);
    for (const index of indexes)
      expect(index.OnDemandThroughput).toEqual(onDemand(GUARDRAILS_DEFAULTS.tables[id]));
  });

  it('takes configured maxima, leaving the other tables at their defaults', () => {
    expect(tableNamed(custom.stateful$, 'TablesState').OnDemandThroughput).toEqual({
      MaxReadRequestUnits: 3000,
      MaxWriteRequestUnits: 1500,
    });
    expect(tableNamed(custom.stateful$, 'TablesRules').OnDemandThroughput).toEqual(
      onDemand(GUARDRAILS_DEFAULTS.tables.rules),
    );
  });

  it('pre-warms only the state table, and only when configured', () => {
    expect(tableNamed(defaults.stateful$, 'TablesState').WarmThroughput).toBeUndefined();
    expect(tableNamed(custom.stateful$, 'TablesState').WarmThroughput).toEqual({
      ReadUnitsPerSecond: 15_000,
      WriteUnitsPerSecond: 6_000,
    });
    expect(tableNamed(custom.stateful$, 'TablesAlerts').WarmThroughput).toBeUndefined();
  });
});

describe('reserved concurrency of the functions people invoke', () => {
  it('reserves 10 for the lookup API and 2 for the load generator by default', () => {
    expect(functionNamed(defaults.processing$, 'LookupApiFunction').ReservedConcurrentExecutions).toBe(10);
    expect(functionNamed(defaults.processing$, 'LoadGeneratorFunction').ReservedConcurrentExecutions).toBe(2);
  });

  it('takes the configured values', () => {
    expect(functionNamed(custom.processing$, 'LookupApiFunction').ReservedConcurrentExecutions).toBe(4);
    expect(functionNamed(custom.processing$, 'LoadGeneratorFunction').ReservedConcurrentExecutions).toBe(1);
  });

  it('leaves both unreserved at 0 (accounts whose concurrency quota cannot spare any)', () => {
    expect(functionNamed(off.processing$, 'LookupApiFunction').ReservedConcurrentExecutions).toBeUndefined();
    expect(
      functionNamed(off.processing$, 'LoadGeneratorFunction').ReservedConcurrentExecutions,
    ).toBeUndefined();
  });
});

describe('load generator bounds', () => {
  const limitsOf = (s: Synthesized) => {
    const env = functionNamed(s.processing$, 'LoadGeneratorFunction').Environment as {
      Variables: Record<string, string>;
    };
    return JSON.parse(env.Variables.LOAD_GENERATOR_LIMITS ?? 'null') as unknown;
  };

  it('hands the function the default bounds', () => {
    expect(limitsOf(defaults)).toEqual(LOAD_GENERATOR_LIMITS);
  });

  it('hands the function the configured bounds', () => {
    expect(limitsOf(custom)).toEqual({ maxDevices: 500, maxRate: 100, maxCount: 1000 });
  });
});

describe('monthly AWS Budget', () => {
  const opsTopic = { Ref: Match.stringLikeRegexp('^OpsTopic') };

  it('budgets the account cost monthly, notifying at 80% actual and 100% forecast', () => {
    defaults.processing$.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 1000, Unit: 'USD' } },
      NotificationsWithSubscribers: [
        { Notification: { NotificationType: 'ACTUAL', Threshold: 80, ThresholdType: 'PERCENTAGE' } },
        { Notification: { NotificationType: 'FORECASTED', Threshold: 100, ThresholdType: 'PERCENTAGE' } },
      ],
    });
  });

  it('notifies the ops topic even when no e-mail address is configured', () => {
    const [[, budget] = ['', {}]] = resourcesOf(defaults.processing$, 'AWS::Budgets::Budget');
    for (const n of budget.NotificationsWithSubscribers as { Subscribers: unknown[] }[])
      expect(n.Subscribers).toEqual([
        { SubscriptionType: 'SNS', Address: { Ref: expect.stringMatching(/^OpsTopic/) } },
      ]);
  });

  it('also mails opsEmail and alertEmail when configured', () => {
    custom.processing$.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetLimit: { Amount: 250, Unit: 'USD' } },
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({
          Subscribers: [
            { SubscriptionType: 'SNS', Address: opsTopic },
            { SubscriptionType: 'EMAIL', Address: 'ops@example.com' },
            { SubscriptionType: 'EMAIL', Address: 'noc@example.com' },
          ],
        }),
      ]),
    });
  });

  it('lets only this account’s budgets publish to the ops topic', () => {
    defaults.processing$.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('has no budget and no budgets grant at 0', () => {
    off.processing$.resourceCountIs('AWS::Budgets::Budget', 0);
    expect(JSON.stringify(off.processing$.toJSON())).not.toContain('budgets.amazonaws.com');
  });
});

describe('per-caller API limits (WAF)', () => {
  const rulesOf = (s: Synthesized) => {
    const [[, acl] = ['', {}]] = resourcesOf(s.processing$, 'AWS::WAFv2::WebACL');
    return acl.Rules as {
      Name: string;
      Statement: { RateBasedStatement: Record<string, unknown> };
      Action: unknown;
    }[];
  };

  it('limits each source IP on every request with the default window and limit', () => {
    const rule = rulesOf(defaults).find((r) => r.Name === 'requests-per-caller');
    expect(rule?.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'IP',
      Limit: CALLER_LIMITS.requestsPerWindow,
      EvaluationWindowSec: CALLER_LIMITS.windowSeconds,
    });
  });

  it('gives unfiltered GET /v1/devices a lower limit per source IP', () => {
    const rule = rulesOf(defaults).find((r) => r.Name === 'unfiltered-listings-per-caller');
    expect(rule?.Statement.RateBasedStatement.Limit).toBe(CALLER_LIMITS.unfilteredListingsPerWindow);
    expect(CALLER_LIMITS.unfilteredListingsPerWindow).toBeLessThan(CALLER_LIMITS.requestsPerWindow);
    const match = (field: string, searchString: string, positionalConstraint: string) => ({
      ByteMatchStatement: {
        FieldToMatch: { [field]: {} },
        SearchString: searchString,
        PositionalConstraint: positionalConstraint,
      },
    });
    expect(rule?.Statement.RateBasedStatement.ScopeDownStatement).toMatchObject({
      AndStatement: {
        Statements: [
          match('UriPath', '/v1/devices', 'EXACTLY'),
          match('Method', 'GET', 'EXACTLY'),
          { NotStatement: { Statement: match('QueryString', 'status=', 'CONTAINS') } },
          { NotStatement: { Statement: match('QueryString', 'model=', 'CONTAINS') } },
        ],
      },
    });
  });

  it('answers a caller over a limit with 429 and a JSON reason', () => {
    for (const rule of rulesOf(defaults))
      expect(rule.Action).toEqual({
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: expect.any(String) } },
      });
    const [[, acl] = ['', {}]] = resourcesOf(defaults.processing$, 'AWS::WAFv2::WebACL');
    const bodies = Object.values(
      acl.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>,
    );
    expect(bodies.map((b) => b.ContentType)).toEqual(['APPLICATION_JSON', 'APPLICATION_JSON']);
    for (const body of bodies) expect(JSON.parse(body.Content).error).toMatch(/^rate limit: more than \d+ /);
  });

  it('takes the configured limits and window', () => {
    const limits = rulesOf(custom).map((r) => [
      r.Name,
      r.Statement.RateBasedStatement.Limit,
      r.Statement.RateBasedStatement.EvaluationWindowSec,
    ]);
    expect(limits).toEqual([
      ['unfiltered-listings-per-caller', 20, 60],
      ['requests-per-caller', 600, 60],
    ]);
  });

  it('guards the API stage (regional web ACL associated with /restapis/<id>/stages/v1)', () => {
    defaults.processing$.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
    });
    const [[, association] = ['', {}]] = resourcesOf(defaults.processing$, 'AWS::WAFv2::WebACLAssociation');
    expect(render(association.ResourceArn)).toMatch(
      /^arn:<AWS::Partition>:apigateway:<AWS::Region>::\/restapis\/<LookupApi\w+>\/stages\/v1$/,
    );
  });

  it('has no web ACL when turned off', () => {
    off.processing$.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});

describe('recovery material is retained', () => {
  it('retains every failure queue on stack deletion and replacement', () => {
    const queues = Object.entries(defaults.processing$.findResources('AWS::SQS::Queue'));
    expect(queues.map(([id]) => id.replace(/Queue[0-9A-F]{8}$/, '')).sort()).toEqual([
      'NotifierFailures',
      'ProcessorFailures',
      'SilenceSweepFailures',
    ]);
    for (const [, queue] of queues)
      expect(queue).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('retains the API access log group', () => {
    const [[, group] = ['', {}]] = Object.entries(
      defaults.processing$.findResources('AWS::Logs::LogGroup'),
    ).filter(([id]) => id.startsWith('LookupApiAccessLogs'));
    expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('lake readers and Object Lock', () => {
  it('versions the access-log bucket so a deleted log can be recovered for 30 days', () => {
    const [[, bucket] = ['', {}]] = resourcesOf(defaults.stateful$, 'AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('LakeAccessLogs'),
    );
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(bucket.LifecycleConfiguration)).toContain('"NoncurrentDays":30');
  });

  it('writes Athena results under the workgroup’s own prefix', () => {
    const [[, workGroup] = ['', {}]] = resourcesOf(defaults.stateful$, 'AWS::Athena::WorkGroup');
    const location = (
      workGroup.WorkGroupConfiguration as { ResultConfiguration: { OutputLocation: unknown } }
    ).ResultConfiguration.OutputLocation;
    expect(render(location)).toBe(
      `s3://<LakeBucket${render(location).match(/<LakeBucket(\w+)>/)?.[1]}>/${LAKE_PREFIX.athenaResults}${workGroup.Name}/`,
    );
  });

  it('outputs a managed lake-reader policy: Glue tables, workgroup, raw/ and curated/telemetry/ read, own results, lake key', () => {
    defaults.stateful$.hasOutput('LakeReaderPolicyArn', {
      Value: { Ref: Match.stringLikeRegexp('^LakeReaderPolicy') },
    });
    const [[, policy] = ['', {}]] = resourcesOf(defaults.stateful$, 'AWS::IAM::ManagedPolicy').filter(
      ([id]) => id.startsWith('LakeReader'),
    );
    const statements = (
      policy.PolicyDocument as { Statement: { Sid: string; Action: string | string[]; Resource: unknown }[] }
    ).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'BucketLocation',
      'Catalog',
      'LakeKey',
      'ListLakePrefixes',
      'ReadCurated',
      'ReadRaw',
      'WorkGroup',
      'WorkGroupResults',
    ]);
    expect(render(bySid.ReadRaw?.Resource)).toMatch(/\/raw\/\*$/);
    expect(render(bySid.WorkGroupResults?.Resource)).toMatch(/\/athena-results\/[\w-]+\/\*$/);
    expect(bySid.LakeKey?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // Nothing account-wide: every resource is an ARN of this lake.
    expect(JSON.stringify(statements)).not.toContain('"Resource":"*"');
  });

  it('has no Object Lock by default', () => {
    const [[, bucket] = ['', {}]] = resourcesOf(defaults.stateful$, 'AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('LakeBucket'),
    );
    expect(bucket.ObjectLockEnabled).toBeUndefined();
  });

  it('turns on Object Lock with governance-mode default retention when configured', () => {
    custom.stateful$.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 90 } },
      },
    });
  });
});

describe('confused-deputy conditions on service principals', () => {
  const account = { Ref: 'AWS::AccountId' };

  it('lets Firehose assume the archive and dead-letter roles only for this account (sts:ExternalId)', () => {
    const roles = resourcesOf(defaults.stateful$, 'AWS::IAM::Role').filter(([id]) =>
      /^(RawArchive|DeadLetters)Role/.test(id),
    );
    expect(roles).toHaveLength(2);
    for (const [, role] of roles)
      expect(role.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Principal: { Service: 'firehose.amazonaws.com' },
            Condition: { StringEquals: { 'sts:ExternalId': account } },
          },
        ],
      });
  });

  it('lets VPC Flow Logs assume its role only for this account’s flow logs', () => {
    defaults.stateful$.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
  });

  it('lets Firehose connect to the cluster only for this account (MSK cluster policy)', () => {
    defaults.stateful$.hasResourceProperties('AWS::MSK::ClusterPolicy', {
      Policy: {
        Statement: [
          Match.objectLike({ Condition: { StringEqualsIfExists: { 'aws:SourceAccount': account } } }),
        ],
      },
    });
  });

  it('lets CloudWatch use the ops key only for this account’s alarms', () => {
    defaults.processing$.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':alarm:*'])] } },
            },
          }),
        ]),
      },
    });
  });

  // Every service principal we grant something to carries a condition, except the ones listed (docs/OPERATIONS.md
  // "Confused-deputy conditions" says why each is exempt).
  const EXEMPT = new Set(['lambda.amazonaws.com', 'apigateway.amazonaws.com']);
  type Doc = {
    Statement?: { Principal?: { Service?: string | string[] }; Condition?: unknown; Effect: string }[];
  };
  const documentsOf = (t: Template): Doc[] => {
    const json = t.toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    return Object.values(json.Resources).flatMap(({ Type, Properties: p = {} }) => {
      if (Type === 'AWS::IAM::Role') return [p.AssumeRolePolicyDocument as Doc];
      if (Type === 'AWS::KMS::Key') return [p.KeyPolicy as Doc];
      if (Type === 'AWS::SNS::TopicPolicy' || Type === 'AWS::S3::BucketPolicy')
        return [p.PolicyDocument as Doc];
      if (Type === 'AWS::MSK::ClusterPolicy') return [p.Policy as Doc];
      return [];
    });
  };

  it.each([
    ['stateful', () => defaults.stateful$],
    ['processing', () => defaults.processing$],
  ])('conditions every service-principal Allow in the %s stack', (_name, template) => {
    const unconditioned = documentsOf(template())
      .flatMap((doc) => doc.Statement ?? [])
      .filter((s) => s.Effect === 'Allow' && s.Principal?.Service !== undefined && s.Condition === undefined)
      .flatMap((s) => [s.Principal?.Service ?? []].flat())
      .filter((service) => !EXEMPT.has(service));
    expect(unconditioned).toEqual([]);
  });
});
