/**
 * Stream records → alert state changes to notify. An INSERT is an alert starting (`firing`, or the state it was
 * stored with); a MODIFY whose new image is `resolved` is its resolution (the processor marks an episode resolved once,
 * conditionally, so a resolution reaches the stream once). Anything else (REMOVE, other MODIFYs) is not a change.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { type AlertState, type EpisodeItem, isAlertState } from '#core/alert-episode.ts';
import { alertFromImage } from './format.ts';

export interface Change {
  /** Position in the batch (stream order). */
  readonly index: number;
  readonly sequenceNumber: string | undefined;
  readonly alert: EpisodeItem;
  readonly state: AlertState;
}

export type Reading =
  | { kind: 'change'; change: Change }
  | { kind: 'skip' }
  | { kind: 'invalid'; reason: string };

export const readChange = (record: DynamoDBRecord, index: number): Reading => {
  const image = record.dynamodb?.NewImage;
  if (image === undefined || (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY'))
    return { kind: 'skip' };
  let alert: EpisodeItem;
  try {
    alert = alertFromImage(image) as EpisodeItem;
  } catch (error) {
    return { kind: 'invalid', reason: (error as Error).message };
  }
  const stored = isAlertState(alert.state) ? alert.state : 'firing';
  if (record.eventName === 'MODIFY' && stored !== 'resolved') return { kind: 'skip' };
  return {
    kind: 'change',
    change: { index, sequenceNumber: record.dynamodb?.SequenceNumber, alert, state: stored },
  };
};
