import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config.ts';
import { addFleetStream } from '#lib/fleetstream.ts';
import { projectRoot, testApp } from '#test/support/infra.ts';

type Report = ReturnType<AwsSolutionsChecks['validateScope']>;
const describeViolations = (report: Report): string =>
  report.violations
    .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)
    .join('\n');

describe('cdk-nag AwsSolutions', () => {
  let report: Report;
  let app: ReturnType<typeof testApp>;
  beforeAll(() => {
    app = testApp();
    addFleetStream(app, parseConfig({}), projectRoot);
    report = new AwsSolutionsChecks().validateScope(app);
  });

  it('reports zero unacknowledged findings for the whole app', () => {
    expect(describeViolations(report)).toBe('');
    expect(report.success).toBe(true);
  });

  it('also holds for the NAT egress variant with emails subscribed', () => {
    const natApp = testApp();
    addFleetStream(
      natApp,
      parseConfig({ vpc: { egress: 'nat' }, alertEmail: 'noc@example.com', opsEmail: 'ops@example.com' }),
      projectRoot,
    );
    const natReport = new AwsSolutionsChecks().validateScope(natApp);
    expect(describeViolations(natReport)).toBe('');
  });

  it('also holds with client VPCs and producer accounts (the producer role)', () => {
    const frontDoorApp = testApp();
    const clientVpcs = [
      { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0000000a', 'subnet-0000000b'] },
    ];
    addFleetStream(
      frontDoorApp,
      parseConfig({ vpc: { clientVpcs }, producerAccounts: ['111122223333'] }),
      projectRoot,
    );
    expect(describeViolations(new AwsSolutionsChecks().validateScope(frontDoorApp))).toBe('');
  });

  it('gives every acknowledgement a reason a reviewer can read', () => {
    const acknowledgements: [string, string, string][] = [];
    const visit = (node: typeof app.node.root) => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          // CDK itself acknowledges some CloudFormation-validator warnings; ours are the cdk-nag ones.
          if (id.includes('AwsSolutions-')) acknowledgements.push([node.node.path, id, reason]);
        }
      }
      for (const child of node.node.children) visit(child);
    };
    visit(app);
    expect(acknowledgements.length).toBeGreaterThan(5);
    for (const [path, id, reason] of acknowledgements) {
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
      // Acknowledged where the resource is, never for a whole stack or the app.
      expect(path.split('/').length, `${path} ${id} is a stack-wide acknowledgement`).toBeGreaterThan(1);
    }
  });

  it('does catch an unacknowledged violation (the check is live)', () => {
    const probeApp = testApp();
    const stack = new Stack(probeApp, 'Probe');
    new s3.Bucket(stack, 'Plain');
    const probe = new AwsSolutionsChecks().validateScope(probeApp);
    const rules = probe.violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
