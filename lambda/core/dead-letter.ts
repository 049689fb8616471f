/**
 * Splits a batch into valid records and dead-letters (the contract's rejected-record line). Nothing a record holds
 * can fail the batch: a record whose decoding throws anyway is dead-lettered with the error as its reason.
 */
import { createHash } from 'node:crypto';
import type { BatchRecord } from './batch-record.ts';
import type { SourceRecord } from './msk-event.ts';
import { type DecodeOptions, decodeRecord, wellFormed } from './record.ts';

/** One rejected record, as written to the dead-letter prefix: original bytes base64, key null when absent. */
export interface DeadLetter {
  /**
   * Stable id of the rejected record (same record, same id, on every retry of its batch): readers de-duplicate
   * by it, because dead-letters are written at least once. See `deadLetterId`.
   */
  id: string;
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  reason: string;
  /** When it was rejected (ISO). */
  at: string;
}

/**
 * First 32 hex chars of sha256 over topic, partition, offset, key and value: a retried batch gives the same id,
 * a different record at the same offset (a re-created topic) another.
 */
const deadLetterId = (source: SourceRecord): string => {
  const hash = createHash('sha256').update(`${source.topic}\n${source.partition}\n${source.offset}\n`);
  hash.update(source.key === null ? 'null\n' : `${source.key.byteLength}\n`);
  if (source.key !== null) hash.update(source.key);
  return hash.update(source.value).digest('hex').slice(0, 32);
};

/** The dead-letter line of a source record (original bytes base64, stable id) rejected for `reason` at `at`. */
export const toDeadLetter = (source: SourceRecord, reason: string, at: string): DeadLetter => ({
  id: deadLetterId(source),
  topic: source.topic,
  partition: source.partition,
  offset: source.offset,
  key: source.key === null ? null : source.key.toString('base64'),
  value: source.value.toString('base64'),
  reason,
  at,
});

export interface DecodeBatchOptions {
  /** How far (ms) an event_time may be ahead of its record's Kafka timestamp (see record.ts). @default 5 minutes */
  maxEventTimeSkewMs?: number;
}

const decodeSafely = (source: SourceRecord, options: DecodeOptions) => {
  try {
    return decodeRecord(source.value, source.key, options);
  } catch (error) {
    // Not expected (decodeRecord does not throw on any input), but one record must never fail its batch.
    const message = error instanceof Error ? error.message : typeof error;
    return { ok: false as const, reason: `undecodable: ${wellFormed(String(message).slice(0, 80))}` };
  }
};

/**
 * Every decision is a function of the record and the options only (a retried batch decides identically); `nowMs`
 * only stamps the dead-letters' `at` (when they were written).
 */
export const decodeBatch = (
  records: readonly SourceRecord[],
  nowMs: number,
  options: DecodeBatchOptions = {},
): { valid: BatchRecord[]; invalid: DeadLetter[] } => {
  const valid: BatchRecord[] = [];
  const invalid: DeadLetter[] = [];
  const at = new Date(nowMs).toISOString();
  for (const source of records) {
    const { topic, partition, offset } = source;
    const decoded = decodeSafely(source, {
      kafkaTimestampMs: source.timestampMs,
      maxEventTimeSkewMs: options.maxEventTimeSkewMs,
    });
    if (decoded.ok) valid.push({ topic, partition, offset, record: decoded.record });
    else invalid.push(toDeadLetter(source, decoded.reason, at));
  }
  return { valid, invalid };
};
