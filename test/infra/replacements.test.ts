import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CfnTemplate, createOnlyOf, replacedResources, valuesAt } from '#test/support/replacements.ts';

// The update-safety test is only as good as this detector: generated templates check that it flags exactly the
// changes CloudFormation answers with a replacement, including through references.

const TYPE = 'AWS::EC2::Subnet'; // create-only: VpcId, AvailabilityZone, CidrBlock, … ; updatable: Tags, MapPublicIpOnLaunch
const DEPENDENT = 'AWS::MSK::ServerlessCluster'; // create-only VpcConfigs refers to the subnet

const subnet = (cidr: string, az: string, mapPublicIp: boolean) => ({
  Type: TYPE,
  Properties: {
    VpcId: { Ref: 'Vpc' },
    CidrBlock: cidr,
    AvailabilityZone: az,
    MapPublicIpOnLaunch: mapPublicIp,
  },
});
const cluster = (name: string) => ({
  Type: DEPENDENT,
  Properties: {
    ClusterName: name,
    ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    VpcConfigs: [{ SubnetIds: [{ Ref: 'Subnet' }] }],
  },
});
const template = (s: ReturnType<typeof subnet>, c: ReturnType<typeof cluster>): CfnTemplate => ({
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Subnet: s,
    Cluster: c,
  },
});

const cidr = fc.integer({ min: 0, max: 255 }).map((n) => `10.0.${n}.0/24`);
const az = fc.constantFrom('a', 'b', 'c');

describe('replacement detector', () => {
  it('flags a changed create-only property, and everything whose create-only values refer to it', () => {
    fc.assert(
      fc.property(cidr, cidr, az, az, fc.boolean(), fc.boolean(), (c1, c2, a1, a2, p1, p2) => {
        const before = template(subnet(c1, a1, p1), cluster('k'));
        const after = template(subnet(c2, a2, p2), cluster('k'));
        const replaced = replacedResources(before, after, ['Cluster', 'Subnet']);
        const subnetReplaced = c1 !== c2 || a1 !== a2;
        expect(replaced.has('Subnet')).toBe(subnetReplaced);
        expect(replaced.has('Cluster')).toBe(subnetReplaced);
      }),
    );
  });

  it('flags a vanished logical id, and a dependent whose own create-only value changed', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        (n1, n2) => {
          const before = template(subnet('10.0.0.0/24', 'a', false), cluster(n1));
          const renamed = template(subnet('10.0.0.0/24', 'a', false), cluster(n2));
          expect(replacedResources(before, renamed, ['Cluster']).has('Cluster')).toBe(n1 !== n2);
          const { Cluster: _gone, ...rest } = before.Resources ?? {};
          expect(replacedResources(before, { Resources: rest }, ['Cluster']).get('Cluster')).toBe(
            'logical id gone',
          );
        },
      ),
    );
  });

  it('reads values under a pointer with array wildcards, and refuses types it has no list for', () => {
    const props = { A: [{ B: 1 }, { B: 2 }, { C: 3 }] };
    expect(valuesAt(props, '/properties/A/*/B')).toEqual([1, 2]);
    expect(valuesAt(props, '/properties/Missing')).toEqual([]);
    expect(createOnlyOf('AWS::MSK::ServerlessCluster')).toContain('/properties/VpcConfigs');
    expect(() => createOnlyOf('AWS::Made::Up')).toThrow('no create-only list for AWS::Made::Up');
  });
});
