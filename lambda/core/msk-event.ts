/**
 * Parses the event a Lambda MSK (or self-managed Kafka) event source mapping delivers:
 * `{records: {"<topic>-<partition>": [{topic, partition, offset, timestamp, key?, value?(base64)}]}}`.
 * Every partition group is read (never just partition 0). A malformed shape is a bug upstream, not a bad record,
 * so it throws a typed error instead of being dead-lettered.
 */

import { nullMap } from './data-map.ts';
import { FleetStreamError } from './errors.ts';
import { sourceKey } from './items/keys.ts';

/** One Kafka record as delivered, bytes decoded from base64. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  /**
   * The Kafka record's timestamp: the broker's append time on the telemetry topic (created with
   * `message.timestamp.type=LogAppendTime`), the producer's on a CreateTime topic; -1 when the record has none.
   * The clock-skew rule judges event_time against it (record.ts).
   */
  timestampMs: number;
  /** Null when the producer sent no key (the blog's producer does not). */
  key: Buffer | null;
  /** Empty when the record value was null. */
  value: Buffer;
}

/** What Kafka reports for a record that carries no timestamp. */
export const NO_KAFKA_TIMESTAMP = -1;

export class MskEventError extends FleetStreamError {
  override readonly name = 'MskEventError';
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const bytes = (value: unknown, where: string, field: string): Buffer | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !BASE64.test(value))
    throw new MskEventError(`${where}: ${field} is not base64`);
  return Buffer.from(value, 'base64');
};

const parseRecord = (raw: unknown, group: string, index: number): SourceRecord => {
  const where = `records["${group}"][${index}]`;
  if (!isObject(raw)) throw new MskEventError(`${where} is not an object`);
  const { topic, partition, offset, timestamp } = raw;
  if (typeof topic !== 'string' || topic === '') throw new MskEventError(`${where}: topic missing`);
  if (!isIndex(partition)) throw new MskEventError(`${where}: partition is not a non-negative integer`);
  if (!isIndex(offset)) throw new MskEventError(`${where}: offset is not a non-negative integer`);
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
    throw new MskEventError(`${where}: timestamp is not a number`);
  if (sourceKey(topic, partition) !== group)
    throw new MskEventError(`${where}: record of ${sourceKey(topic, partition)} filed under "${group}"`);
  return {
    topic,
    partition,
    offset,
    timestampMs: timestamp,
    key: bytes(raw.key, where, 'key'),
    value: bytes(raw.value, where, 'value') ?? Buffer.alloc(0),
  };
};

const bySource = (a: SourceRecord, b: SourceRecord): number =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition || a.offset - b.offset;

/** All records of all partitions, ordered by (topic, partition, offset). */
export const parseMskEvent = (event: unknown): SourceRecord[] => {
  if (!isObject(event)) throw new MskEventError('event is not an object');
  const { records } = event;
  if (!isObject(records)) throw new MskEventError('event.records is not an object');
  const out: SourceRecord[] = [];
  for (const [group, list] of Object.entries(records)) {
    if (!Array.isArray(list)) throw new MskEventError(`records["${group}"] is not an array`);
    list.forEach((raw, index) => {
      out.push(parseRecord(raw, group, index));
    });
  }
  return out.sort(bySource);
};

/** A Kafka record as a producer wrote it: the input of the MSK-event builder. */
export interface MskRecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs?: number;
  readonly key?: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** Lambda's header shape: one object per header, the value as a byte array. */
  readonly headers?: readonly Readonly<Record<string, number[]>>[];
}

/**
 * One record as Lambda delivers it: base64 key and value, left out when the record has none. A record without
 * `timestampMs` gets Kafka's -1 (no timestamp): the skew rule then has no reference (record.ts).
 */
export const toDeliveredRecord = (r: MskRecordSource) => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  timestamp: r.timestampMs ?? NO_KAFKA_TIMESTAMP,
  timestampType: 'CREATE_TIME' as const,
  ...(r.key ? { key: Buffer.from(r.key).toString('base64') } : {}),
  ...(r.value ? { value: Buffer.from(r.value).toString('base64') } : {}),
  headers: [...(r.headers ?? [])],
});

export type DeliveredRecord = ReturnType<typeof toDeliveredRecord>;

/** Where an event comes from: the cluster's ARN and its bootstrap servers, as the mapping reports them. */
export interface MskEventSource {
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
}

/**
 * The one MSK-event builder (the local poller, test fixtures, benchmarks): records grouped under
 * "<topic>-<partition>" in the order given.
 */
export const buildMskEvent = (records: readonly DeliveredRecord[], source: MskEventSource) => {
  const groups = nullMap<DeliveredRecord[]>();
  for (const record of records) {
    const group = sourceKey(record.topic, record.partition);
    const list = groups[group] ?? [];
    groups[group] = list;
    list.push(record);
  }
  return {
    eventSource: 'aws:kafka' as const,
    eventSourceArn: source.eventSourceArn,
    bootstrapServers: source.bootstrapServers,
    records: groups,
  };
};
