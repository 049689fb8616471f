/** Splits a batch into valid records and dead-letters (the contract's rejected-record line). */
import type { BatchRecord } from './batch-record.ts';
import type { SourceRecord } from './msk-event.ts';
import { decodeRecord } from './record.ts';

/** One rejected record, as written to the dead-letter prefix: original bytes base64, key null when absent. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  reason: string;
  /** When it was rejected (ISO). */
  at: string;
}

export const decodeBatch = (
  records: readonly SourceRecord[],
  nowMs: number,
): { valid: BatchRecord[]; invalid: DeadLetter[] } => {
  const valid: BatchRecord[] = [];
  const invalid: DeadLetter[] = [];
  const at = new Date(nowMs).toISOString();
  for (const source of records) {
    const { topic, partition, offset } = source;
    const decoded = decodeRecord(source.value, source.key);
    if (decoded.ok) valid.push({ topic, partition, offset, record: decoded.record });
    else
      invalid.push({
        topic,
        partition,
        offset,
        key: source.key === null ? null : source.key.toString('base64'),
        value: source.value.toString('base64'),
        reason: decoded.reason,
        at,
      });
  }
  return { valid, invalid };
};
