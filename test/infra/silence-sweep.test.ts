import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_SECONDS, ENV } from '#core/contract/index.ts';
import { SilenceSweep } from '#lib/constructs/silence-sweep.ts';
import {
  actionsOf,
  render,
  resourcesOf,
  resourcesOfStatement,
  type Statement,
  synthFleetStream,
} from './support.ts';

// Issue 21: the silence sweep in AWS: every minute by EventBridge Scheduler (retries, a dead-letter queue), in the
// cluster's VPC, and allowed exactly what lambda/silence-sweep/handler.ts lists in its header, nothing more.
const s = synthFleetStream({ silenceSweep: { stallAfterSeconds: 300 } });
const t = s.processing$;
const sweepId = (id: string) => id.startsWith('SilenceSweep');
const [[, fn] = ['', {}]] = resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => sweepId(id));
const [[roleId] = ['']] = resourcesOf(t, 'AWS::IAM::Role').filter(
  ([id, r]) =>
    sweepId(id) && render(JSON.stringify(r.AssumeRolePolicyDocument)).includes('lambda.amazonaws.com'),
);
/** The sweep function role's Allow statements, as [action, resource] pairs rendered readably. */
const grants = (): [string, string][] =>
  resourcesOf(t, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Roles as unknown[]).some((r) => render(r) === `<${roleId}>`))
    .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((st) => st.Effect === 'Allow')
    .flatMap((st) =>
      actionsOf(st).flatMap((a) => resourcesOfStatement(st).map((r): [string, string] => [a, render(r)])),
    );

describe('silence sweep', () => {
  it('runs every minute from EventBridge Scheduler, with retries, a bounded event age and a dead-letter queue', () => {
    const schedules = resourcesOf(t, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const [[, schedule] = ['', {}]] = schedules;
    expect(schedule.ScheduleExpression).toBe(`rate(${DEFAULT_SWEEP_SECONDS / 60} minute)`);
    expect(schedule.State).toBe('ENABLED');
    const target = schedule.Target as Record<string, unknown>;
    expect(render(target.Arn)).toMatch(/^<SilenceSweepFunction.*\.Arn>$/);
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 });
    expect(render((target.DeadLetterConfig as { Arn: unknown }).Arn)).toMatch(
      /^<SilenceSweepFailures.*\.Arn>$/,
    );
  });

  it('runs in the cluster VPC, one run at a time, with the names its handler reads', () => {
    expect(fn.VpcConfig).toMatchObject({ SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) });
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout).toBeLessThan(DEFAULT_SWEEP_SECONDS);
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const name of [
      ENV.stateTable,
      ENV.alertsTable,
      ENV.rulesTable,
      ENV.bootstrapBrokers,
      ENV.topicName,
      ENV.consumerGroupId,
    ])
      expect(variables[name], name).toBeDefined();
    expect(variables[ENV.stallAfterSeconds]).toBe('300');
    expect(variables[ENV.consumerGroupId]).toBe(s.config.processor.consumerGroupId);
  });

  it('may do exactly what its handler lists, on the exact tables, cluster, topic and group', () => {
    const data = grants().filter(([action]) => /^(dynamodb|kafka|kafka-cluster):/.test(action));
    const table = (name: string) => new RegExp(`^<import:.*${name}.*>$`);
    const expected: [string, RegExp][] = [
      ['dynamodb:GetItem', table('State')],
      ['dynamodb:BatchGetItem', table('State')],
      ['dynamodb:Query', table('State')],
      ['dynamodb:PutItem', table('State')],
      ['dynamodb:PutItem', table('Alerts')],
      ['dynamodb:UpdateItem', table('Alerts')],
      ['dynamodb:Scan', table('Rules')],
      ['kafka-cluster:Connect', /^<import:.*Cluster.*>$/],
      ['kafka-cluster:DescribeTopic', /:topic\/.*\/modem-telemetry$/],
      ['kafka-cluster:DescribeGroup', new RegExp(`:group/.*/${s.config.processor.consumerGroupId}$`)],
    ];
    expect(data).toHaveLength(expected.length);
    for (const [action, resource] of expected)
      expect(
        data.some(([a, r]) => a === action && resource.test(r)),
        `${action} on ${resource}`,
      ).toBe(true);
    // Never records, never the group's membership, never anything cluster-wide or on every table.
    const all = grants();
    expect(
      all.filter(([a]) => /ReadData|WriteData|AlterGroup|DeleteItem|TransactWrite|kafka:/.test(a)),
    ).toEqual([]);
    expect(all.filter(([a, r]) => /^(dynamodb|kafka-cluster):/.test(a) && r.includes('*'))).toEqual([]);
  });

  it('alarms to the ops topic on errors and on not running, and has a dashboard widget', () => {
    const alarms = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([id]) => sweepId(id));
    expect(alarms.map(([, a]) => [a.MetricName, a.ComparisonOperator]).sort()).toEqual([
      ['Errors', 'GreaterThanThreshold'],
      ['Invocations', 'LessThanThreshold'],
    ]);
    for (const [, alarm] of alarms) expect(render((alarm.AlarmActions as unknown[])[0])).toMatch(/^<Ops/);
    const [[, dashboard] = ['', {}]] = resourcesOf(t, 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard.DashboardBody)).toContain('Silence sweep runs / errors / duration');
  });

  it('is left out when silenceSweep.enabled is false', () => {
    const off = synthFleetStream({ silenceSweep: { enabled: false } }).processing$;
    expect(resourcesOf(off, 'AWS::Scheduler::Schedule')).toEqual([]);
    expect(resourcesOf(off, 'AWS::Lambda::Function').filter(([id]) => sweepId(id))).toEqual([]);
  });

  it('refuses a stall threshold outside its range', () => {
    const { kafka, network, tables } = s.stateful;
    const build = (stallAfterSeconds: number) => () =>
      new SilenceSweep(s.processing, `Probe${stallAfterSeconds}`, {
        kafka,
        vpc: network.vpc,
        topicName: 'modem-telemetry',
        consumerGroupId: 'g',
        tables,
        // Never reached: the props are checked first.
        failureQueue: undefined as never,
        stallAfterSeconds,
        projectRoot: '/nowhere',
      });
    expect(build(59)).toThrow(/stallAfterSeconds must be an integer from 60 to 3600, got 59/);
    expect(build(3601)).toThrow(/stallAfterSeconds/);
  });
});
