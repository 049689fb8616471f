import type { KafkaMessage } from 'kafkajs';
import type { DeliveredRecord } from '#core/msk-event.ts';
import { toMskRecord } from './kafka-records.ts';

/** A fetched record waiting for the handler. */
export interface Buffered {
  readonly partition: number;
  readonly offset: number;
  readonly record: DeliveredRecord;
  /** Approximate JSON size in the event: base64 bytes plus the record's fixed fields. */
  readonly bytes: number;
  /** When it was fetched (performance.now()): the batching window runs from the oldest buffered record. */
  readonly at: number;
}

export interface BatchLimits {
  /** Records per invocation, across partitions. */
  readonly batchSize: number;
  /** Lambda's invocation payload limit, estimated on the event's JSON size. */
  readonly maxPayloadBytes: number;
}

/** The event's own fields, counted once per batch against the payload limit. */
const EVENT_OVERHEAD_BYTES = 200;
const RECORD_OVERHEAD_BYTES = 160;

/**
 * Records fetched but not yet handled, per partition in offset order, and how far each partition has been handled
 * in this session. The buffered count is derived from the lists, never kept beside them.
 */
export class RecordBuffer {
  private readonly partitions = new Map<number, Buffered[]>();
  private readonly handled = new Map<number, number>();

  get size(): number {
    let total = 0;
    for (const list of this.partitions.values()) total += list.length;
    return total;
  }

  /** The highest offset of `partition` handled successfully in this session (-1 for none). */
  handledUpTo(partition: number): number {
    return this.handled.get(partition) ?? -1;
  }

  /** Buffers the messages not handled yet; returns their offsets' [first, last], or undefined when none is new. */
  add(topic: string, partition: number, messages: readonly KafkaMessage[]): [number, number] | undefined {
    const fresh = messages.filter((m) => Number(m.offset) > this.handledUpTo(partition));
    const first = fresh[0];
    const last = fresh[fresh.length - 1];
    if (first === undefined || last === undefined) return undefined;
    const list = this.partitions.get(partition) ?? [];
    this.partitions.set(partition, list);
    const at = performance.now();
    for (const message of fresh) {
      const record = toMskRecord(topic, partition, message);
      const bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0) + RECORD_OVERHEAD_BYTES;
      list.push({ partition, offset: record.offset, record, bytes, at });
    }
    return [Number(first.offset), Number(last.offset)];
  }

  /** When the oldest buffered record was fetched (Infinity when none is). */
  oldestAt(): number {
    let oldest = Infinity;
    for (const list of this.partitions.values()) oldest = Math.min(oldest, list[0]?.at ?? Infinity);
    return oldest;
  }

  /** Takes up to batchSize records, round-robin over partitions so a busy partition cannot starve the others. */
  take(limits: BatchLimits): Buffered[] {
    const taken: Buffered[] = [];
    let bytes = EVENT_OVERHEAD_BYTES;
    const queues = [...this.partitions.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
    for (let next = 0; taken.length < limits.batchSize; next++) {
      const row = queues.map((list) => list[next]).filter((item) => item !== undefined);
      if (row.length === 0) break;
      for (const item of row) {
        if (taken.length >= limits.batchSize) break;
        if (taken.length > 0 && bytes + item.bytes > limits.maxPayloadBytes) return taken;
        taken.push(item);
        bytes += item.bytes;
      }
    }
    return taken;
  }

  /** Marks a handled batch: drops it from the buffer; returns the last offset handled per partition. */
  complete(batch: readonly Buffered[]): Map<number, number> {
    const last = new Map<number, number>();
    for (const item of batch) last.set(item.partition, Math.max(last.get(item.partition) ?? -1, item.offset));
    for (const [partition, offset] of last) {
      const keep = (this.partitions.get(partition) ?? []).filter((item) => item.offset > offset);
      if (keep.length > 0) this.partitions.set(partition, keep);
      else this.partitions.delete(partition);
      this.handled.set(partition, Math.max(this.handledUpTo(partition), offset));
    }
    return last;
  }

  /** Forgets a partition's unhandled records (stop, rebalance): they are refetched from the committed offset. */
  drop(partition: number): void {
    this.partitions.delete(partition);
  }
}
