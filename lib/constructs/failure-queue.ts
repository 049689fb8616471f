import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface FailureQueueProps {
  /** What lands here, for the acknowledgement and the console. */
  readonly purpose: string;
  /** @default Duration.days(14) (the SQS maximum) */
  readonly retention?: Duration;
  /**
   * The queue is the only pointer to the batches Lambda gave up on (their offsets or sequence numbers): it outlives
   * the processing stack by default. Changing it never replaces the queue (DeletionPolicy is not a property).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Encrypted, TLS-only SQS queue used as an event source mapping's on-failure destination: it receives the metadata of
 * batches Lambda gave up on (topic/shard, offsets or sequence numbers) so an operator can replay them.
 */
export class FailureQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    if (props.purpose.trim() === '') throw new Error(`FailureQueue ${id}: purpose must not be empty`);
    const retention = props.retention ?? Duration.days(14);
    if (retention.toSeconds() < 60 || retention.toSeconds() > Duration.days(14).toSeconds()) {
      throw new Error(
        `FailureQueue ${id}: retention must be 1 minute to 14 days, got ${retention.toSeconds()} s`,
      );
    }
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter destination (${props.purpose}); a DLQ behind it would only move the problem.`,
    });
  }
}
