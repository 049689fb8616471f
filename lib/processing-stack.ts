import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { FleetStreamConfig } from './config.ts';
import { AlertNotifier } from './constructs/alert-notifier.ts';
import { EncryptedTopic } from './constructs/encrypted-topic.ts';
import { FailureQueue } from './constructs/failure-queue.ts';
import { IngestRoute } from './constructs/ingest-route.ts';
import { LoadGenerator } from './constructs/load-generator.ts';
import { LookupApi } from './constructs/lookup-api.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { SilenceSweep } from './constructs/silence-sweep.ts';
import { SpendBudget } from './constructs/spend-budget.ts';
import { StateProcessor } from './constructs/state-processor.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface ProcessingStackProps extends StackProps {
  readonly config: FleetStreamConfig;
  readonly stateful: StatefulStack;
  /** Repository root (handler entry points are resolved from it). */
  readonly projectRoot: string;
}

/** Compute on top of the stateful stack: processor + MSK event source, notifier, lookup API, load generator, ops. */
export class ProcessingStack extends Stack {
  readonly processor: StateProcessor;
  readonly notifier: AlertNotifier;
  /** The silence sweep (absent when `silenceSweep.enabled` is false). */
  readonly silenceSweep?: SilenceSweep;
  readonly api: LookupApi;
  readonly loadGenerator: LoadGenerator;
  readonly ingest: IngestRoute;
  readonly ops: EncryptedTopic;
  readonly dashboard: OperationsDashboard;
  /** The monthly AWS Budget (guardrails.monthlyBudgetUsd > 0). */
  readonly budget?: SpendBudget;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    // Declared first so cross-stack security-group rules are placed in this stack rather than creating a cycle.
    this.addStackDependency(props.stateful);
    Validations.of(this).acknowledge({
      id: 'Annotation::@aws-cdk/core:crossStackReferencesDefaultStrong',
      reason:
        'Strong references are intended: the stateful stack must refuse to drop a value this stack still imports.',
    });
    const { config, stateful, projectRoot } = props;
    const p = config.processor;

    const processorFailures = new FailureQueue(this, 'ProcessorFailures', {
      purpose: 'MSK batches the processor gave up on',
    });
    const notifierFailures = new FailureQueue(this, 'NotifierFailures', {
      purpose: 'alert stream batches not published',
    });
    const sweepFailures = config.silenceSweep.enabled
      ? new FailureQueue(this, 'SilenceSweepFailures', {
          purpose: 'silence sweep runs the schedule could not deliver',
        })
      : undefined;

    this.processor = new StateProcessor(this, 'Processor', {
      kafka: stateful.kafka,
      topic: stateful.topic,
      tables: stateful.tables,
      deadLetterStream: stateful.deadLetters,
      failureQueue: processorFailures,
      batchSize: p.batchSize,
      maxBatchingWindow: Duration.seconds(p.maxBatchingWindowSeconds),
      startingPosition: p.startingPosition,
      consumerGroupId: p.consumerGroupId,
      memoryMb: p.memoryMb,
      timeout: Duration.seconds(p.timeoutSeconds),
      windowRetentionDays: config.windowRetentionDays,
      newDevicesPerPartitionMinute: config.processorGuardrails.newDevicesPerPartitionMinute,
      ...(p.provisionedPollers === undefined ? {} : { provisionedPollers: p.provisionedPollers }),
      projectRoot,
    });
    this.notifier = new AlertNotifier(this, 'Notifier', {
      tables: stateful.tables,
      alertTopic: stateful.alerts.topic,
      failureQueue: notifierFailures,
      projectRoot,
    });
    if (sweepFailures !== undefined)
      this.silenceSweep = new SilenceSweep(this, 'SilenceSweep', {
        kafka: stateful.kafka,
        vpc: stateful.network.vpc,
        subnets: stateful.network.workloadSubnets,
        topicName: stateful.topic.topicName,
        consumerGroupId: p.consumerGroupId,
        tables: stateful.tables,
        failureQueue: sweepFailures,
        stallAfterSeconds: config.silenceSweep.stallAfterSeconds,
        projectRoot,
      });
    this.api = new LookupApi(this, 'LookupApi', {
      tables: stateful.tables,
      rateLimit: config.api.rateLimit,
      burstLimit: config.api.burstLimit,
      accountCloudWatchRole: config.api.accountCloudWatchRole,
      reservedConcurrency: config.guardrails.reservedConcurrency.lookupApi,
      ...(config.guardrails.callerLimits.enabled ? { callerLimits: config.guardrails.callerLimits } : {}),
      projectRoot,
    });
    this.ingest = new IngestRoute(this, 'Ingest', {
      api: this.api.api,
      kafka: stateful.kafka,
      vpc: stateful.network.vpc,
      subnets: stateful.network.workloadSubnets,
      topicName: stateful.topic.topicName,
      reservedConcurrency: config.ingest.reservedConcurrency,
      projectRoot,
    });
    this.loadGenerator = new LoadGenerator(this, 'LoadGenerator', {
      kafka: stateful.kafka,
      vpc: stateful.network.vpc,
      subnets: stateful.network.workloadSubnets,
      topicName: stateful.topic.topicName,
      limits: config.guardrails.loadGenerator,
      reservedConcurrency: config.guardrails.reservedConcurrency.loadGenerator,
      projectRoot,
    });

    this.ops = new EncryptedTopic(this, 'Ops', {
      displayName: 'FleetStream operations alarms',
      email: config.opsEmail,
      allowCloudWatchAlarms: true,
      allowBudgets: config.guardrails.monthlyBudgetUsd > 0,
    });
    if (config.guardrails.monthlyBudgetUsd > 0) {
      this.budget = new SpendBudget(this, 'Budget', {
        monthlyUsd: config.guardrails.monthlyBudgetUsd,
        topic: this.ops.topic,
        emails: [config.opsEmail, config.alertEmail],
      });
      // Budgets checks that it may publish when the budget is created: the topic policy and key policy first.
      this.budget.node.addDependency(this.ops);
    }
    this.notifier.notificationsFailedAlarm.addAlarmAction(new SnsAction(this.ops.topic));
    for (const alarm of [this.silenceSweep?.errorsAlarm, this.silenceSweep?.notRunningAlarm]) {
      alarm?.addAlarmAction(new SnsAction(this.ops.topic));
      alarm?.addOkAction(new SnsAction(this.ops.topic));
    }
    this.dashboard = new OperationsDashboard(this, 'Operations', {
      clusterName: stateful.kafka.clusterName,
      topicName: stateful.topic.topicName,
      processor: this.processor.fn.function,
      notifier: this.notifier.fn.function,
      ...(this.silenceSweep === undefined ? {} : { silenceSweep: this.silenceSweep.fn.function }),
      apiStage: this.api.api.deploymentStage,
      tables: [
        stateful.tables.state,
        stateful.tables.registry,
        stateful.tables.rules,
        stateful.tables.alerts,
      ],
      archiveStreamName: stateful.archive.deliveryStreamName,
      deadLetterStreamName: stateful.deadLetters.deliveryStreamName,
      failureQueues: [
        processorFailures.queue,
        notifierFailures.queue,
        ...(sweepFailures ? [sweepFailures.queue] : []),
      ],
      opsTopic: this.ops.topic,
    });

    const outputs: Record<string, [string, string]> = {
      ApiUrl: [this.api.url, 'Lookup API base URL (SigV4, service execute-api)'],
      ApiReadPolicyArn: [this.api.readPolicy.managedPolicyArn, 'Managed policy: read the lookup API (GET)'],
      ApiRulesAdminPolicyArn: [
        this.api.rulesAdminPolicy.managedPolicyArn,
        'Managed policy: change/delete alert rules (PUT/DELETE /rules/*)',
      ],
      IngestUrl: [
        `${this.api.url}ingest`,
        'POST telemetry here (JSON array or NDJSON, SigV4, service execute-api)',
      ],
      IngestPolicyArn: [this.ingest.policy.managedPolicyArn, 'Managed policy: POST /ingest only'],
      LoadGeneratorFunction: [
        this.loadGenerator.fn.function.functionName,
        'Invoke for in-VPC load (npm run generate -- --remote)',
      ],
      ProcessorFunction: [this.processor.fn.function.functionName, 'State processor Lambda'],
      DashboardName: [this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard'],
      OpsTopicArn: [this.ops.topic.topicArn, 'SNS topic of operational alarms'],
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, name, { value, description });
  }
}
