import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config.ts';
import { ProducerAccess } from '#lib/constructs/producer-access.ts';
import { ServerlessKafka } from '#lib/constructs/serverless-kafka.ts';
import { resourcesOf, synthFleetStream, testApp } from './support.ts';

const clientVpc = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  securityGroupIds: ['sg-0ccccccccccccccc3'],
};
const account = '111122223333';

const defaults = synthFleetStream();
const withClients = synthFleetStream({ vpc: { clientVpcs: [clientVpc] }, producerAccounts: [account] });

type Doc = { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] };
const producerPolicy = (s = defaults): Doc => {
  const policies = resourcesOf(s.stateful$, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
    id.startsWith('ProducersPolicy'),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]?.[1].PolicyDocument ?? { Statement: [] }) as Doc;
};
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const resolved = (resource: unknown) => JSON.stringify(defaults.stateful.resolve(resource));

describe('producer policy', () => {
  it('grants Connect on the cluster and DescribeTopic + WriteData on the telemetry topic, nothing else', () => {
    const doc = producerPolicy();
    const grants = doc.Statement.map((s) => ({
      effect: s.Effect,
      actions: list(s.Action).sort(),
      resource: resolved(s.Resource),
    }));
    expect(grants).toHaveLength(2);
    const [connect, topic] = grants;
    expect(connect?.actions).toEqual(['kafka-cluster:Connect']);
    expect(connect?.resource).toMatch(/^\{"Fn::GetAtt":\["KafkaCluster[0-9A-F]{8}","Arn"\]\}$/);
    expect(topic?.actions).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']);
    // arn:…:topic/<cluster name>/<cluster uuid>/modem-telemetry — this topic, no wildcard.
    expect(topic?.resource).toMatch(/:topic\/.*\/modem-telemetry"\]\]\}$/);
    for (const grant of grants) {
      expect(grant.effect).toBe('Allow');
      expect(grant.resource).not.toContain('*');
      expect(grant.resource).not.toContain(':group/');
    }
  });

  it('follows a renamed topic', () => {
    const renamed = synthFleetStream({ topicName: 'modems-v2' });
    const doc = producerPolicy(renamed);
    expect(JSON.stringify(renamed.stateful.resolve(doc.Statement[1]?.Resource))).toMatch(
      /\/modems-v2"\]\]\}$/,
    );
  });

  it('is an output next to the producer group and the brokers', () => {
    for (const name of [
      'ProducerPolicyArn',
      'ProducerSecurityGroupId',
      'ClusterSecurityGroupId',
      'BootstrapBrokers',
    ])
      defaults.stateful$.hasOutput(name, {});
    expect(Object.keys(defaults.stateful$.findOutputs('ProducerRoleArn'))).toEqual([]);
  });
});

describe('producer security group', () => {
  it('is admitted by the brokers on 9098 and only there', () => {
    const [groupId] = resourcesOf(defaults.stateful$, 'AWS::EC2::SecurityGroup')
      .map(([id]) => id)
      .filter((id) => id.startsWith('ProducersSecurityGroup'));
    const ingress = resourcesOf(defaults.stateful$, 'AWS::EC2::SecurityGroupIngress')
      .map(([, p]) => p)
      .filter((p) => JSON.stringify(p.SourceSecurityGroupId).includes(String(groupId)));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^KafkaSecurityGroup/), 'GroupId'] },
    });
  });
});

describe('client VPCs and producer accounts', () => {
  it('adds each client VPC to the cluster configuration after its own VPC', () => {
    const [[, cluster] = ['', {}]] = resourcesOf(withClients.stateful$, 'AWS::MSK::ServerlessCluster');
    const configs = cluster.VpcConfigs as { SubnetIds: unknown; SecurityGroups?: unknown }[];
    expect(configs).toHaveLength(2);
    expect(configs[1]).toEqual({
      SubnetIds: clientVpc.subnetIds,
      SecurityGroups: clientVpc.securityGroupIds,
    });
  });

  it('lets the listed accounts assume a role that carries exactly the producer policy', () => {
    const roles = resourcesOf(withClients.stateful$, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('ProducersRole'),
    );
    expect(roles).toHaveLength(1);
    const [, role] = roles[0] ?? ['', {}];
    const trust = JSON.stringify(withClients.stateful.resolve(role.AssumeRolePolicyDocument));
    expect(trust).toContain(`:iam::${account}:root`);
    expect(trust).toContain('sts:AssumeRole');
    expect(role.ManagedPolicyArns).toEqual([{ Ref: expect.stringMatching(/^ProducersPolicy/) }]);
    expect(role.Policies).toBeUndefined();
    withClients.stateful$.hasOutput('ProducerRoleArn', {});
  });

  it('refuses more VPCs than MSK Serverless takes, bad ids and bad accounts, naming each', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...clientVpc, vpcId: `vpc-0000000${i}` }));
    expect(() => parseConfig({ vpc: { clientVpcs: many } })).toThrow(/at most 4 VPCs/);
    expect(() =>
      parseConfig({ vpc: { clientVpcs: [{ vpcId: 'vpc-1', subnetIds: ['subnet-01234567'] }] } }),
    ).toThrow(/vpcId must be a VPC id[\s\S]*needs at least 2 entries/);
    expect(() => parseConfig({ vpc: { clientVpcs: [clientVpc, clientVpc] } })).toThrow(/lists a VPC twice/);
    expect(() => parseConfig({ vpc: { clientVpcs: [{ ...clientVpc, subnets: [] }] } })).toThrow(
      /subnets is not a known setting/,
    );
    expect(() => parseConfig({ producerAccounts: ['12345'] })).toThrow(/producerAccounts must be a list/);
    expect(() => parseConfig({ ingest: { reservedConcurrency: 0 } })).toThrow(/reservedConcurrency/);
  });

  it('the constructs refuse what the config would refuse', () => {
    const stack = new Stack(testApp(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const five = Array.from({ length: 5 }, () => ({ subnetIds: clientVpc.subnetIds }));
    expect(() => new ServerlessKafka(stack, 'K1', { vpc, subnets, clientVpcs: five })).toThrow(
      /takes 5 VPCs/,
    );
    expect(
      () => new ServerlessKafka(stack, 'K2', { vpc, subnets, clientVpcs: [{ subnetIds: ['subnet-1'] }] }),
    ).toThrow(/at least 2 AZs/);
    const kafka = new ServerlessKafka(stack, 'K3', { vpc, subnets });
    expect(() => new ProducerAccess(stack, 'P1', { kafka, vpc, topicName: ' ' })).toThrow(/topicName/);
    expect(
      () => new ProducerAccess(stack, 'P2', { kafka, vpc, topicName: 't', producerAccounts: ['x'] }),
    ).toThrow(/12-digit/);
  });
});
