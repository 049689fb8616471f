import { describe, expect, it } from 'vitest';
import { INGEST_TIMEOUT_SECONDS } from '#core/contract/index.ts';
import { resourcesOf, synthFleetStream } from './support.ts';

const s = synthFleetStream({ ingest: { reservedConcurrency: 7 } });
const t = s.processing$;
const resolve = (value: unknown) => JSON.stringify(s.processing.resolve(value));
const ingestFunction = () => {
  const fns = resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('IngestFunction'));
  expect(fns).toHaveLength(1);
  return fns[0]?.[1] ?? {};
};

describe('POST /ingest', () => {
  it('is an IAM-authorized POST on an /ingest resource of the SigV4 API, integrated with the ingest function', () => {
    const [[resourceId] = ['']] = resourcesOf(t, 'AWS::ApiGateway::Resource').filter(
      ([, r]) => r.PathPart === 'ingest',
    );
    const methods = resourcesOf(t, 'AWS::ApiGateway::Method').filter(
      ([, m]) => JSON.stringify(m.ResourceId) === JSON.stringify({ Ref: resourceId }),
    );
    expect(methods.map(([, m]) => [m.HttpMethod, m.AuthorizationType])).toEqual([['POST', 'AWS_IAM']]);
    expect(resolve(methods[0]?.[1].Integration)).toMatch(/IngestFunction/);
  });

  it('has its own managed policy: execute-api:Invoke on POST /ingest of this stage, nothing else', () => {
    const [[, policy] = ['', {}]] = resourcesOf(t, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
      id.startsWith('IngestPolicy'),
    );
    const statements = (policy.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toBe('execute-api:Invoke');
    // arn:…:execute-api:…:<api>/<this stage>/POST/ingest: this route, no wildcard.
    expect(resolve(statements[0]?.Resource)).toMatch(
      /\{"Ref":"LookupApi[0-9A-F]{8}"\},"\/",\{"Ref":"LookupApiDeploymentStagev1[0-9A-F]{8}"\},"\/POST\/ingest"\]\]\}$/,
    );
    expect(resolve(statements[0]?.Resource)).not.toContain('*');
    t.hasOutput('IngestPolicyArn', {});
    t.hasOutput('IngestUrl', {});
  });

  it('runs the function in the cluster VPC with reserved concurrency, producing to the topic only', () => {
    const fn = ingestFunction();
    expect(fn.ReservedConcurrentExecutions).toBe(7);
    expect(fn.Timeout).toBe(INGEST_TIMEOUT_SECONDS);
    expect(fn.VpcConfig).toMatchObject({ SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) });
    const policies = resourcesOf(t, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('IngestFunctionRole'));
    const actions = policies.flatMap(([, p]) =>
      (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((st) =>
        Array.isArray(st.Action) ? st.Action : [st.Action],
      ),
    );
    expect(actions).toEqual(expect.arrayContaining(['kafka-cluster:WriteData', 'dynamodb:PutItem']));
    expect(actions.filter((a) => /ReadData|Group|CreateTopic|Scan|Query/.test(a))).toEqual([]);
  });

  it('keeps idempotency records in an on-demand table with TTL', () => {
    const tables = resourcesOf(t, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    expect(tables[0]?.[1]).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});
