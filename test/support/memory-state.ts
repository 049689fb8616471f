/**
 * In-memory implementations of the state processor's ports, with the same conditional semantics as DynamoDB
 * (version-conditioned puts, all-or-nothing transactions) and hooks to inject faults.
 */

import type { DeadLetter } from '#core/dead-letter.ts';
import type { AlertItem, AlertResolve } from '#core/items/alert.ts';
import type { ItemKey } from '#core/items/keys.ts';
import { itemId } from '#core/items/keys.ts';
import type { StateItem } from '#core/items/state-item.ts';
import type {
  AlertSink,
  ConditionalWrite,
  DeadLetterSink,
  ProcessorMetrics,
  ReadOptions,
  RegistrySource,
  RulesSource,
  StateStore,
} from '#core/ports.ts';
import type { Registry } from '#core/registry.ts';
import type { Rule } from '#core/rules.ts';
import { readerView } from './reader-view.ts';

export { FLEET_DEVICES } from './reader-view.ts';

/**
 * What to do to one write: proceed; 'touch' = a concurrent writer bumps the item's version first (the write then
 * fails its condition); 'crash' = throw before writing; 'lost-ack' = write, then throw as if the response was lost.
 */
export type Fault = 'none' | 'touch' | 'crash' | 'lost-ack';

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryStateStore implements StateStore {
  readonly items = new Map<string, StateItem>();
  /** Every image each item had, oldest first: what an eventually consistent read may still return. */
  private readonly history = new Map<string, StateItem[]>();
  puts = 0;
  transactions = 0;
  /**
   * For an eventually consistent read of an item with `images` images: how many writes behind to answer (0 = the
   * latest; `images` or more = as if the item did not exist yet). Strongly consistent reads are always current.
   */
  stale: (id: string, images: number) => number = () => 0;
  constructor(public fault: (write: ConditionalWrite) => Fault = () => 'none') {}

  async read(keys: readonly ItemKey[], options: ReadOptions = {}): Promise<Map<string, StateItem>> {
    const out = new Map<string, StateItem>();
    for (const key of keys) {
      const id = itemId(key);
      const images = this.history.get(id) ?? [];
      const behind = options.consistent === false ? this.stale(id, images.length) : 0;
      const item = behind === 0 ? this.items.get(id) : images[images.length - 1 - behind];
      if (item) out.set(id, clone(item));
    }
    return out;
  }

  private set(id: string, item: StateItem): void {
    this.items.set(id, item);
    this.history.set(id, [...(this.history.get(id) ?? []), item]);
  }

  private matches(write: ConditionalWrite): boolean {
    const current = this.items.get(itemId(write.item));
    return write.expectedVersion === null
      ? current === undefined
      : current?.version === write.expectedVersion;
  }

  /** Applies a fault; returns true when the caller must throw after writing. */
  private inject(write: ConditionalWrite): boolean {
    const fault = this.fault(write);
    if (fault === 'crash') throw new InjectedFault(`crash before writing ${write.item.pk} ${write.item.sk}`);
    if (fault === 'touch') {
      const id = itemId(write.item);
      const current = this.items.get(id);
      // A concurrent no-op writer: same content, newer version (or a stub that appears, for a missing item).
      if (current) this.set(id, { ...current, version: current.version + 1 });
    }
    return fault === 'lost-ack';
  }

  async put(write: ConditionalWrite): Promise<boolean> {
    const lostAck = this.inject(write);
    if (!this.matches(write)) return false;
    this.set(itemId(write.item), clone(write.item));
    this.puts += 1;
    if (lostAck) throw new InjectedFault('response lost after put');
    return true;
  }

  async transact(writes: readonly ConditionalWrite[]): Promise<number[]> {
    let lostAck = false;
    for (const write of writes) lostAck = this.inject(write) || lostAck;
    const conflicts = writes.flatMap((w, i) => (this.matches(w) ? [] : [i]));
    if (conflicts.length > 0) return conflicts;
    for (const w of writes) this.set(itemId(w.item), clone(w.item));
    this.transactions += 1;
    if (lostAck) throw new InjectedFault('response lost after transaction');
    return [];
  }

  /**
   * The tables as readers see them, to compare equivalent histories: items without their `version` (which counts
   * writes), every device's closed window in its window item (as readers merge it; where it still is, and the tags
   * saying so, depend on the history), and the fleet device counts summed over the partitions' fleet items under one key, FLEET_DEVICES
   * (which partition counts a device's change depends on the batch that carried it; readers sum them all).
   */
  snapshot(): Record<string, unknown> {
    return readerView(this.items.values());
  }
}

/**
 * The alerts table with its stream: `changes` lists, in order, each insert and each change to `resolved` that the
 * table's stream would carry (what the notifier publishes).
 */
export class MemoryAlertSink implements AlertSink {
  readonly alerts = new Map<string, AlertItem>();
  readonly changes: { id: string; state: 'firing' | 'resolved' }[] = [];
  constructor(public fault: () => boolean = () => false) {}
  async write(alerts: readonly AlertItem[]): Promise<void> {
    for (const alert of alerts) {
      if (this.fault()) throw new InjectedFault('alert write failed');
      const id = `${alert.deviceId}\n${alert.alertKey}`;
      if (this.alerts.has(id)) continue;
      this.alerts.set(id, clone(alert));
      this.changes.push({ id, state: alert.state ?? 'firing' });
    }
  }
  async resolve(resolves: readonly AlertResolve[]): Promise<void> {
    for (const { deviceId, alertKey, endsAt } of resolves) {
      if (this.fault()) throw new InjectedFault('alert resolve failed');
      const id = `${deviceId}\n${alertKey}`;
      const alert = this.alerts.get(id);
      // The adapter's condition: the alert exists and is not resolved yet.
      if (alert === undefined || alert.state === 'resolved') continue;
      this.alerts.set(id, { ...alert, state: 'resolved', endsAt });
      this.changes.push({ id, state: 'resolved' });
    }
  }
}

export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  async write(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
  }
}

export const staticRules = (rules: Rule[]): RulesSource => ({ rules: async () => rules });

export const staticRegistry = (rows: Record<string, Registry>): RegistrySource => ({
  lookup: async (ids) => new Map(ids.map((id) => [id, rows[id] ?? null])),
});

export class MemoryMetrics implements ProcessorMetrics {
  readonly totals: Record<string, number> = {};
  flushes = 0;
  add(name: string, value: number): void {
    this.totals[name] = (this.totals[name] ?? 0) + value;
  }
  flush(): void {
    this.flushes += 1;
  }
}
