/**
 * A MemoryStateStore that measures what DynamoDB would refuse: items per transaction, bytes per transaction and per
 * item (marshalled, as the document client sends them).
 */
import { documentItemBytes } from '#adapters/item-size.ts';
import type { ConditionalWrite } from '#core/ports.ts';
import { MemoryStateStore } from './memory-state.ts';

export class BoundedMemoryStore extends MemoryStateStore {
  maxTransactionItems = 0;
  maxTransactionBytes = 0;
  maxItemBytes = 0;

  private measure(writes: readonly ConditionalWrite[], transaction: boolean): void {
    const sizes = writes.map((w) => documentItemBytes(w.item));
    this.maxItemBytes = Math.max(this.maxItemBytes, ...sizes);
    if (transaction) {
      this.maxTransactionItems = Math.max(this.maxTransactionItems, writes.length);
      this.maxTransactionBytes = Math.max(
        this.maxTransactionBytes,
        sizes.reduce((a, b) => a + b, 0),
      );
    }
  }

  override async put(write: ConditionalWrite): Promise<boolean> {
    this.measure([write], false);
    return super.put(write);
  }

  override async transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    this.measure(writes, true);
    return super.transact(writes);
  }
}
