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
  const { sns, topicArn, log, metrics = noMetrics } = deps;
  const threshold = deps.digestThreshold ?? DEFAULT_DIGEST_THRESHOLD;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    let sent = 0;
    let digests = 0;
    let failed = 0;
    let muted = 0;
    try {
      const delivery = await readDelivery(event, deps);
      failed += delivery.invalid;
      muted = delivery.muted;
      const notifications = groupChanges(delivery.changes, threshold);
      for (const [position, notification] of notifications.entries()) {
        const formatted =
          notification.kind === 'single'
            ? formatAlert(notification.change.alert, notification.change.state)
            : formatDigest(notification.changes);
        const alertIds = changesOf(notification).map((c) => c.alert.alertId);
        try {
          await sns.send(publishInput(topicArn, formatted));
          sent++;
          if (notification.kind === 'digest') digests++;
        } catch (error) {
          if (isPermanentPublishError(error)) {
            failed++;
            log.error('SNS refused the alert as invalid; skipping it (not retried)', {
              alertId: alertIds[0],
              alerts: alertIds.length,
              sequenceNumber: changesOf(notification)[0]?.sequenceNumber,
              error: { name: (error as Error).name, message: (error as Error).message },
              messageBytes: Buffer.byteLength(formatted.message, 'utf8'),
            });
            continue;
          }
          const pending = notifications.slice(position).flatMap(changesOf);
          const earliest = pending.reduce((a, b) => (b.index < a.index ? b : a));
          log.error('SNS publish failed; Lambda will retry from the earliest unpublished record', {
            alertId: alertIds[0],
            sequenceNumber: earliest.sequenceNumber,
            error: (error as Error).message,
          });
          if (earliest.sequenceNumber === undefined) throw error;
          return { batchItemFailures: [{ itemIdentifier: earliest.sequenceNumber }] };
        }
      }
      return { batchItemFailures: [] };
    } finally {
      metrics.add('NotificationsSent', sent);
      metrics.add('NotificationsFailed', failed);
      metrics.add('NotificationsMuted', muted);
      metrics.add('DigestsSent', digests);
      metrics.flush();
    }
  };
};
