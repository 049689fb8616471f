/**
 * A StateStore whose every call first waits for a fast-check scheduler step, so concurrent processors sharing one
 * store interleave their reads and writes in any order the scheduler picks (and shrinks).
 */
import type fc from 'fast-check';
import type { ItemKey } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type { ConditionalWrite, ReadOptions, StateStore } from '#core/ports.ts';

export class ScheduledStateStore implements StateStore {
  constructor(
    private readonly inner: StateStore,
    private readonly scheduler: fc.Scheduler,
    private readonly name: string,
  ) {}

  private async step(label: string): Promise<void> {
    await this.scheduler.schedule(Promise.resolve(), `${this.name} ${label}`);
  }

  async read(keys: readonly ItemKey[], options?: ReadOptions): Promise<Map<string, StateItem>> {
    await this.step(`read ${keys.length}`);
    return this.inner.read(keys, options);
  }

  async put(write: ConditionalWrite): Promise<boolean> {
    await this.step(`put ${write.item.sk}`);
    return this.inner.put(write);
  }

  async transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    await this.step(`transact ${writes.map((w) => w.item.sk).join(',')}`);
    return this.inner.transact(writes);
  }
}
