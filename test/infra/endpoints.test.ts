import { describe, expect, it } from 'vitest';
import { render, synthFleetStream } from '#test/support/infra.ts';
import type { CfnTemplate } from '#test/support/replacements.ts';

// The MSK event source mapping's pollers run in the cluster's subnets. They call Lambda and STS, and deliver failed
// batches to the on-failure destination, which "must" have a VPC endpoint in the cluster's VPC
// (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html) — or the subnets need a NAT route.

const DESTINATION_SERVICE: Readonly<Record<string, string>> = {
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
  'AWS::S3::Bucket': 's3',
};

type Props = Record<string, unknown>;
const resources = (template: CfnTemplate) => Object.entries(template.Resources ?? {});
const refOf = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;

/** The AWS service an on-failure destination lives in (`sqs`, `sns`, `s3`), from the resource its ARN points at. */
const destinationService = (template: CfnTemplate, destination: unknown): string => {
  const getAtt = (destination as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  const type = getAtt === undefined ? undefined : template.Resources?.[getAtt[0]]?.Type;
  const service = type === undefined ? undefined : DESTINATION_SERVICE[type];
  if (service === undefined)
    throw new Error(`cannot tell the service of destination ${JSON.stringify(destination)}`);
  return service;
};

/** What the cluster's subnets can reach: services with an endpoint in its VPC, and whether they route to a NAT. */
const clusterReach = (stateful: CfnTemplate) => {
  const all = resources(stateful);
  const [, cluster] = all.find(([, r]) => r.Type === 'AWS::MSK::ServerlessCluster') ?? [];
  const configs = (cluster?.Properties?.VpcConfigs ?? []) as { SubnetIds: unknown[] }[];
  const subnets = configs.flatMap((c) => c.SubnetIds.map(refOf));
  const vpcs = new Set(subnets.map((id) => refOf(stateful.Resources?.[id ?? '']?.Properties?.VpcId)));
  expect(subnets.length).toBeGreaterThanOrEqual(2);
  expect(vpcs.size).toBe(1);

  const services = new Set(
    all
      .filter(([, r]) => r.Type === 'AWS::EC2::VPCEndpoint' && vpcs.has(refOf(r.Properties?.VpcId)))
      .map(([, r]) => render(r.Properties?.ServiceName).split('.').at(-1)),
  );
  const tables = new Set(
    all
      .filter(([, r]) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, r]) => subnets.includes(refOf(r.Properties?.SubnetId)))
      .map(([, r]) => refOf(r.Properties?.RouteTableId)),
  );
  const everySubnetHasNat =
    tables.size > 0 &&
    [...tables].every((table) =>
      all.some(
        ([, r]) =>
          r.Type === 'AWS::EC2::Route' &&
          refOf(r.Properties?.RouteTableId) === table &&
          (r.Properties as Props).DestinationCidrBlock === '0.0.0.0/0' &&
          (r.Properties as Props).NatGatewayId !== undefined,
      ),
    );
  return { services, nat: everySubnetHasNat };
};

/** Services the MSK event source mappings need from inside the cluster's VPC. */
const neededServices = (processing: CfnTemplate): string[] => {
  const mappings = resources(processing).filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      r.Properties?.AmazonManagedKafkaEventSourceConfig !== undefined,
  );
  expect(mappings.length).toBeGreaterThanOrEqual(1);
  return [
    'lambda',
    'sts',
    ...mappings.map(([, r]) => {
      const onFailure = (
        r.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined
      )?.OnFailure;
      if (onFailure?.Destination === undefined)
        throw new Error('an MSK mapping without an on-failure destination');
      return destinationService(processing, onFailure.Destination);
    }),
  ];
};

describe('MSK event source mappings reach their on-failure destination from the cluster VPC', () => {
  it.each([
    ['endpoints', {}],
    ['nat', { vpc: { egress: 'nat' } }],
    [
      'endpoints, 3 AZs, provisioned pollers',
      { vpc: { maxAzs: 3 }, processor: { provisionedPollers: { minimum: 1, maximum: 5 } } },
    ],
  ])(
    'egress %s: every needed service has an endpoint in the VPC, or every cluster subnet routes to a NAT',
    (_mode, context) => {
      const s = synthFleetStream(context);
      const reach = clusterReach(s.stateful$.toJSON());
      const needed = neededServices(s.processing$.toJSON());
      expect(needed).toContain('sqs');
      const unreachable = needed.filter((service) => !reach.nat && !reach.services.has(service));
      expect(unreachable).toEqual([]);
    },
  );

  it('endpoints mode has no NAT, so SQS must come from an interface endpoint', () => {
    const reach = clusterReach(synthFleetStream({}).stateful$.toJSON());
    expect(reach.nat).toBe(false);
    expect([...reach.services].sort()).toEqual(['dynamodb', 'lambda', 's3', 'sqs', 'sts']);
  });
});
