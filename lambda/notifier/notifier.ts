import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Log } from '#core/log.ts';
import { type Mute, matchingMute } from '#core/operator.ts';
import { type Change, readChange } from './changes.ts';
import { DEFAULT_DIGEST_THRESHOLD, formatDigest, groupChanges, type Notification } from './digest.ts';
import { type FormattedAlert, formatAlert } from './format.ts';

export type NotifierMetricName =
  | 'NotificationsSent'
  | 'NotificationsFailed'
  | 'NotificationsMuted'
  | 'DigestsSent';

/** Counts per invocation, published once at its end (EMF in AWS). */
export interface NotifierMetrics {
  add(name: NotifierMetricName, value: number): void;
  flush(): void;
}

export interface NotifierDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  /** Where log lines go (the handler's `functionLog`). */
  readonly log: Log;
  /** @default - none counted */
  readonly metrics?: NotifierMetrics;
  /** The mutes in force (cached by the handler). @default - none */
  readonly mutes?: () => Promise<readonly Mute[]>;
  /** More than this many changes of one rule and state in one delivery make one digest. @default 10 */
  readonly digestThreshold?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

const noMetrics: NotifierMetrics = { add: () => {}, flush: () => {} };

/**
 * SNS errors that say this message can never be published (its parameters are invalid), as opposed to throttling,
 * outages, or a misconfigured topic, key or role, which a retry (after a fix) can cure.
 */
const PERMANENT_PUBLISH_ERRORS = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'ValidationException',
]);

export const isPermanentPublishError = (error: unknown): boolean =>
  error instanceof Error && PERMANENT_PUBLISH_ERRORS.has(error.name);

const publishInput = (topicArn: string, formatted: FormattedAlert) =>
  new PublishCommand({
    TopicArn: topicArn,
    Subject: formatted.subject,
    Message: formatted.message,
    MessageAttributes: Object.fromEntries(
      Object.entries(formatted.attributes).map(([name, value]) => [
        name,
        { DataType: 'String', StringValue: value },
      ]),
    ),
  });

const changesOf = (notification: Notification): readonly Change[] =>
  notification.kind === 'single' ? [notification.change] : notification.changes;

/** Reads the delivery: the changes to notify, those a mute holds back, and records that are not alerts. */
const readDelivery = async (event: DynamoDBStreamEvent, deps: NotifierDeps) => {
  const changes: Change[] = [];
  let muted = 0;
  let invalid = 0;
  const mutes = (await deps.mutes?.()) ?? [];
  const now = (deps.clock ?? Date.now)();
  for (const [index, record] of event.Records.entries()) {
    const reading = readChange(record, index);
    if (reading.kind === 'invalid') {
      invalid++;
      deps.log.error('skipping a stream record that is not an alert', {
        reason: reading.reason,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        image: record.dynamodb?.NewImage,
      });
    } else if (reading.kind === 'change') {
      const mute = matchingMute(mutes, reading.change.alert, now);
      if (mute === undefined) changes.push(reading.change);
      else muted++;
    }
  }
  return { changes, muted, invalid };
};

/** What one delivery did, published as metrics at its end. */
interface Tally {
  sent: number;
  digests: number;
  failed: number;
  muted: number;
}

const formatNotification = (notification: Notification): FormattedAlert =>
  notification.kind === 'single'
    ? formatAlert(notification.change.alert, notification.change.state)
    : formatDigest(notification.changes);

/**
 * Publishes one notification. A message SNS refuses as invalid is logged, counted and skipped; a transient failure
 * is returned, for Lambda to retry from it.
 */
const publishOne = async (
  deps: NotifierDeps,
  notification: Notification,
  tally: Tally,
): Promise<{ error: unknown } | undefined> => {
  const formatted = formatNotification(notification);
  try {
    await deps.sns.send(publishInput(deps.topicArn, formatted));
    tally.sent++;
    if (notification.kind === 'digest') tally.digests++;
    return undefined;
  } catch (error) {
    if (!isPermanentPublishError(error)) return { error };
    tally.failed++;
    const changes = changesOf(notification);
    deps.log.error('SNS refused the alert as invalid; skipping it (not retried)', {
      alertId: changes[0]?.alert.alertId,
      alerts: changes.length,
      sequenceNumber: changes[0]?.sequenceNumber,
      error: { name: (error as Error).name, message: (error as Error).message },
      messageBytes: Buffer.byteLength(formatted.message, 'utf8'),
    });
    return undefined;
  }
};

/** Publishes in order; at the first transient failure, reports the earliest record not yet published. */
const publishAll = async (
  deps: NotifierDeps,
  notifications: readonly Notification[],
  tally: Tally,
): Promise<DynamoDBBatchResponse> => {
  for (const [position, notification] of notifications.entries()) {
    const failure = await publishOne(deps, notification, tally);
    if (failure === undefined) continue;
    const pending = notifications.slice(position).flatMap(changesOf);
    const earliest = pending.reduce((a, b) => (b.index < a.index ? b : a));
    deps.log.error('SNS publish failed; Lambda will retry from the earliest unpublished record', {
      alertId: changesOf(notification)[0]?.alert.alertId,
      sequenceNumber: earliest.sequenceNumber,
      error: (failure.error as Error).message,
    });
    if (earliest.sequenceNumber === undefined) throw failure.error;
    return { batchItemFailures: [{ itemIdentifier: earliest.sequenceNumber }] };
  }
  return { batchItemFailures: [] };
};

/**
 * Alerts-table stream (NEW_IMAGE) → SNS: a message per alert that starts firing or resolves (attribute `state`), or
 * one digest per rule and state when more than `digestThreshold` of them arrive in one delivery; alerts a mute covers
 * are counted (NotificationsMuted), not published. Messages go out in the order of their first record; at the first
 * transient failure the earliest record not yet published is reported as the batch item failure, so Lambda retries
 * from it: nothing is lost, and what a retry repeats is published again (at least once, as SNS itself). A record
 * that can never succeed (not an alert, or a message SNS refuses as invalid) is logged, counted in
 * NotificationsFailed and skipped rather than blocking the shard.
 */
export const createNotifier = (deps: NotifierDeps) => {
  const { metrics = noMetrics } = deps;
  const threshold = deps.digestThreshold ?? DEFAULT_DIGEST_THRESHOLD;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const tally: Tally = { sent: 0, digests: 0, failed: 0, muted: 0 };
    try {
      const delivery = await readDelivery(event, deps);
      tally.failed += delivery.invalid;
      tally.muted = delivery.muted;
      return await publishAll(deps, groupChanges(delivery.changes, threshold), tally);
    } finally {
      metrics.add('NotificationsSent', tally.sent);
      metrics.add('NotificationsFailed', tally.failed);
      metrics.add('NotificationsMuted', tally.muted);
      metrics.add('DigestsSent', tally.digests);
      metrics.flush();
    }
  };
};
