import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, OFFSETS_REWOUND_METRIC, PROCESSOR_SERVICE } from '#core/processor-metrics.ts';

export interface OperationsDashboardProps {
  /** MSK cluster name (metric dimension "Cluster Name"). */
  readonly clusterName: string;
  readonly topicName: string;
  readonly processor: lambda.IFunction;
  readonly notifier: lambda.IFunction;
  /** The silence sweep, when deployed: a widget of its runs, errors and duration. @default - none */
  readonly silenceSweep?: lambda.IFunction;
  /** The lookup API's stage. */
  readonly apiStage: apigateway.Stage;
  readonly tables: readonly dynamodb.ITable[];
  /** Firehose stream names: raw archive and dead letters. */
  readonly archiveStreamName: string;
  readonly deadLetterStreamName: string;
  /** Event source mapping failure destinations. */
  readonly failureQueues: readonly sqs.IQueue[];
  /** Alarms notify this topic. */
  readonly opsTopic: sns.ITopic;
  /** Alarm when the processor's consumer lags by more records than this. @default 100_000 */
  readonly offsetLagThreshold?: number;
  /** Alarm when raw data is older than this when it reaches S3. @default Duration.minutes(15) */
  readonly archiveFreshnessThreshold?: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

/** One dashboard for the pipeline and the alarms that page the ops topic. */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const lagThreshold = props.offsetLagThreshold ?? 100_000;
    if (!(lagThreshold > 0))
      throw new Error(`OperationsDashboard ${id}: offsetLagThreshold must be > 0, got ${lagThreshold}`);
    const freshness = (props.archiveFreshnessThreshold ?? Duration.minutes(15)).toSeconds();
    if (!(freshness >= 60))
      throw new Error(`OperationsDashboard ${id}: archiveFreshnessThreshold must be at least 60 s`);
    if (props.tables.length === 0) throw new Error(`OperationsDashboard ${id}: tables must not be empty`);

    const kafka = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Kafka',
        metricName,
        dimensionsMap: { 'Cluster Name': props.clusterName, Topic: props.topicName },
        statistic,
        period: Duration.minutes(1),
      });
    const firehose = (stream: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: stream },
        statistic,
        period: FIVE_MINUTES,
      });
    // OffsetLag: records the event source mapping is behind, published per function for Kafka sources.
    const offsetLag = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OffsetLag',
      dimensionsMap: { FunctionName: props.processor.functionName },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    const throttles = props.tables.flatMap((table) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) =>
        table.metric(metricName, { statistic: 'Sum', period: FIVE_MINUTES }),
      ),
    );
    const throttleSum = new cloudwatch.MathExpression({
      expression: throttles.map((_, i) => `FILL(t${i}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(throttles.map((m, i) => [`t${i}`, m])),
      label: 'DynamoDB throttle events',
      period: FIVE_MINUTES,
    });
    const deadLetters = firehose(props.deadLetterStreamName, 'IncomingRecords', 'Sum');
    const queueDepth = props.failureQueues.map((q) =>
      q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ingress (MSK topic)',
        left: [kafka('MessagesInPerSec', 'Average')],
        right: [kafka('BytesInPerSec', 'Average')],
      }),
      new cloudwatch.GraphWidget({ title: 'Processor offset lag (records)', left: [offsetLag] }),
      new cloudwatch.GraphWidget({
        title: 'Processor duration / errors',
        left: [
          props.processor.metricDuration({ statistic: 'p99' }),
          props.processor.metricDuration({ statistic: 'Average' }),
        ],
        right: [props.processor.metricErrors(), props.processor.metricThrottles()],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: throttles }),
      new cloudwatch.GraphWidget({
        title: 'Raw archive (Firehose → S3)',
        left: [firehose(props.archiveStreamName, 'DeliveryToS3.Records', 'Sum')],
        right: [firehose(props.archiveStreamName, 'DeliveryToS3.DataFreshness', 'Maximum')],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-lettered records / failed batches',
        left: [deadLetters],
        right: queueDepth,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lookup API',
        left: [props.apiStage.metricCount()],
        right: [props.apiStage.metricServerError(), props.apiStage.metricLatency({ statistic: 'p99' })],
      }),
      new cloudwatch.GraphWidget({ title: 'Notifier errors', left: [props.notifier.metricErrors()] }),
      ...(props.silenceSweep === undefined
        ? []
        : [
            new cloudwatch.GraphWidget({
              title: 'Silence sweep runs / errors / duration',
              left: [
                props.silenceSweep.metricInvocations({ period: Duration.minutes(1) }),
                props.silenceSweep.metricErrors({ period: Duration.minutes(1) }),
              ],
              right: [
                props.silenceSweep.metricDuration({ statistic: 'Maximum', period: Duration.minutes(1) }),
              ],
            }),
          ]),
    );

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 3,
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(props.opsTopic));
      created.addOkAction(new actions.SnsAction(props.opsTopic));
      this.alarms.push(created);
    };
    alarm(
      'ProcessorErrors',
      props.processor.metricErrors({ period: Duration.minutes(1) }),
      0,
      'State processor invocations are failing (batches are being retried).',
    );
    alarm(
      'ProcessorOffsetLag',
      offsetLag,
      lagThreshold,
      `Processor is more than ${lagThreshold} records behind the topic.`,
      10,
    );
    alarm('DynamoThrottles', throttleSum, 0, 'DynamoDB is throttling FleetStream requests.');
    alarm(
      'ArchiveFreshness',
      firehose(props.archiveStreamName, 'DeliveryToS3.DataFreshness', 'Maximum'),
      freshness,
      'Raw archive delivery to S3 is falling behind.',
      2,
    );
    alarm('DeadLetters', deadLetters, 0, 'Invalid telemetry records were quarantined to dead-letter/.', 1);
    props.failureQueues.forEach((_, i) => {
      alarm(
        `FailedBatches${i}`,
        queueDepth[i] as cloudwatch.IMetric,
        0,
        'An event source mapping gave up on a batch; see its failure queue.',
        1,
      );
    });
    alarm(
      'ApiServerErrors',
      props.apiStage.metricServerError({ period: FIVE_MINUTES }),
      0,
      'The lookup API answers 5XX.',
    );
    // Sustained (3 × 5 min): a retried batch can end below its partition's folded offset once; a topic re-created in
    // the same cluster, whose records are then skipped as already folded, does it on every batch.
    alarm(
      'OffsetsRewound',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: OFFSETS_REWOUND_METRIC,
        dimensionsMap: { service: PROCESSOR_SERVICE },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      0,
      'Kafka offsets went backwards within one cluster (topic re-created?): records are skipped as already folded.',
    );
    alarm(
      'NotifierErrors',
      props.notifier.metricErrors({ period: FIVE_MINUTES }),
      0,
      'Alert notifications are failing.',
    );
  }
}
