import { backoffDelay } from '#adapters/backoff.ts';
import type { BatchLimits, Buffered, RecordBuffer } from './record-buffer.ts';
import type { Signal } from './signal.ts';

export interface BatchInfo {
  readonly records: number;
  /** "<topic>-<partition>" → [first, last] offset in the batch. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  /** Invocations this batch took (1 = no retry). */
  readonly attempts: number;
  readonly handlerMs: number;
}

export interface DispatchStats {
  batches: number;
  records: number;
  failures: number;
  lastError?: string;
}

export interface RetryBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface DispatcherOptions {
  readonly buffer: RecordBuffer;
  /** Notified when records arrive or a batch completes; the dispatcher also sleeps on it. */
  readonly changed: Signal;
  readonly limits: BatchLimits;
  /** Longest wait for a batch to fill once a record is buffered. */
  readonly windowMs: number;
  readonly backoff: RetryBackoff;
  /** Invokes the handler with the batch as one event. */
  readonly invoke: (batch: readonly Buffered[]) => Promise<void>;
  /** Commits a handled batch (next offset = last + 1 per partition). */
  readonly commit: (last: ReadonlyMap<number, number>, records: number) => Promise<void>;
  readonly groupOf: (partition: number) => string;
  readonly stats: DispatchStats;
  readonly onError?: (error: unknown, info: { readonly attempt: number; readonly records: number }) => void;
  readonly onBatch?: (info: BatchInfo) => void;
}

const rangesOf = (batch: readonly Buffered[], groupOf: (partition: number) => string) => {
  const out: Record<string, [number, number]> = {};
  for (const item of batch) {
    const key = groupOf(item.partition);
    const range = out[key];
    out[key] = range
      ? [Math.min(range[0], item.offset), Math.max(range[1], item.offset)]
      : [item.offset, item.offset];
  }
  return out;
};

/**
 * Hands buffered records to the handler the way the event source mapping does: a batch once `batchSize` records
 * wait or the oldest has waited `windowMs`; a failed batch retried as is, with the shared capped backoff, until it
 * succeeds or stop(); offsets committed only after success.
 */
export class Dispatcher {
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(private readonly o: DispatcherOptions) {
    this.done = this.run();
  }

  /** Finishes the invocation in progress (and commits it if it succeeds). */
  stop(): Promise<void> {
    this.stopping = true;
    this.o.changed.notify();
    return this.done;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private async run(): Promise<void> {
    const { buffer, changed, limits, windowMs } = this.o;
    while (!this.stopping) {
      const waiting = buffer.size;
      if (waiting === 0) {
        await changed.wait();
        continue;
      }
      const waitLeft = buffer.oldestAt() + windowMs - performance.now();
      if (waiting < limits.batchSize && waitLeft > 0) {
        await changed.wait(waitLeft);
        continue;
      }
      await this.deliver(buffer.take(limits));
    }
  }

  private async deliver(batch: readonly Buffered[]): Promise<void> {
    const { stats } = this.o;
    for (let attempt = 1; !this.stopping || attempt === 1; attempt++) {
      const started = performance.now();
      try {
        await this.o.invoke(batch);
      } catch (error) {
        stats.failures++;
        stats.lastError = error instanceof Error ? error.message : String(error);
        this.o.onError?.(error, { attempt, records: batch.length });
        if (this.stopping) return;
        const { initialMs, maxMs } = this.o.backoff;
        await this.o.changed.wait(backoffDelay(attempt, { baseMs: initialMs, maxMs }));
        continue;
      }
      const handlerMs = performance.now() - started;
      await this.o.commit(this.o.buffer.complete(batch), batch.length);
      this.o.changed.notify();
      stats.batches++;
      stats.records += batch.length;
      const ranges = rangesOf(batch, this.o.groupOf);
      this.o.onBatch?.({ records: batch.length, ranges, attempts: attempt, handlerMs });
      return;
    }
  }
}
