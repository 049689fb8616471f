/** In-memory fakes of the silence sweep's ports (lambda/core/silence/ports.ts) for unit tests. */
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import { type ItemKey, itemId } from '#core/items/keys.ts';
import { presencePk, presenceTopicPrefix } from '#core/items/presence.ts';
import type { FireOutcome, LagSource, PartitionLag, SweepItem, SweepStore } from '#core/silence/ports.ts';

const clone = <T>(value: T): T => structuredClone(value);
const tick = () => new Promise<void>((r) => setImmediate(r));

export class InjectedSweepFault extends Error {
  override readonly name = 'InjectedSweepFault';
}

export class MemorySweepStore implements SweepStore {
  readonly sweepItems = new Map<string, SweepItem>();
  readonly devices = new Map<string, DeviceItem>();
  /** pk → sk → ids */
  readonly presenceItems = new Map<string, Map<string, Set<string>>>();
  readonly alerts = new Map<string, AlertItem>();
  /** Called before each fire; 'crash' throws before writing, 'lost-ack' writes then throws. */
  fireFault: () => 'none' | 'crash' | 'lost-ack' = () => 'none';
  /** Called between a device read and the transaction (a processor write racing the sweep). */
  beforeFire: (deviceId: string) => void = () => {};
  fires = 0;
  deviceReads = 0;

  addPresence(slot: string, partition: number, topic: string, ids: readonly string[]): void {
    const pk = presencePk(slot, partition);
    const items = this.presenceItems.get(pk) ?? new Map<string, Set<string>>();
    this.presenceItems.set(pk, items);
    const sk = `${presenceTopicPrefix(topic)}0#0`;
    const set = items.get(sk) ?? new Set<string>();
    for (const id of ids) set.add(id);
    items.set(sk, set);
  }

  async readItem<T extends SweepItem>(key: ItemKey): Promise<T | undefined> {
    await tick();
    const item = this.sweepItems.get(itemId(key));
    return item && (clone(item) as T);
  }

  async putItem(item: SweepItem, expectedVersion: number | null): Promise<boolean> {
    await tick();
    const current = this.sweepItems.get(itemId(item));
    if ((current?.version ?? null) !== expectedVersion) return false;
    this.sweepItems.set(itemId(item), clone(item));
    return true;
  }

  async presence(slot: string, partition: number, topic: string): Promise<string[]> {
    await tick();
    const items = this.presenceItems.get(presencePk(slot, partition)) ?? new Map<string, Set<string>>();
    return [...items]
      .filter(([sk]) => sk.startsWith(presenceTopicPrefix(topic)))
      .flatMap(([, ids]) => [...ids]);
  }

  async readDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceItem>> {
    await tick();
    this.deviceReads += deviceIds.length;
    const out = new Map<string, DeviceItem>();
    for (const id of deviceIds) {
      const device = this.devices.get(id);
      if (device) out.set(id, clone(device));
    }
    return out;
  }

  private alertId(alert: { deviceId: string; alertKey: string }) {
    return `${alert.deviceId}\n${alert.alertKey}`;
  }

  async fire(marked: DeviceItem, expectedVersion: number, alert: AlertItem): Promise<FireOutcome> {
    this.beforeFire(marked.deviceId);
    await tick();
    const fault = this.fireFault();
    if (fault === 'crash') throw new InjectedSweepFault('transaction failed');
    if (this.devices.get(marked.deviceId)?.version !== expectedVersion) return 'device-changed';
    if (this.alerts.has(this.alertId(alert))) return 'alert-exists';
    this.devices.set(marked.deviceId, clone(marked));
    this.alerts.set(this.alertId(alert), clone(alert));
    this.fires += 1;
    if (fault === 'lost-ack') throw new InjectedSweepFault('response lost');
    return 'fired';
  }

  async mark(marked: DeviceItem, expectedVersion: number): Promise<boolean> {
    await tick();
    if (this.devices.get(marked.deviceId)?.version !== expectedVersion) return false;
    this.devices.set(marked.deviceId, clone(marked));
    return true;
  }

  async putAlert(alert: AlertItem): Promise<void> {
    await tick();
    if (!this.alerts.has(this.alertId(alert))) this.alerts.set(this.alertId(alert), clone(alert));
  }

  async resolveAlert(key: { deviceId: string; alertKey: string }, endsAt: string): Promise<void> {
    await tick();
    const alert = this.alerts.get(this.alertId(key)) as (AlertItem & { state?: string }) | undefined;
    if (alert?.state === 'firing')
      this.alerts.set(this.alertId(key), { ...alert, state: 'resolved', endsAt } as AlertItem);
  }
}

/** A lag source answering what the test sets. */
export class MemoryLagSource implements LagSource {
  partitions: PartitionLag[] = [];
  async lag(): Promise<PartitionLag[]> {
    await tick();
    return this.partitions.map((p) => ({ ...p }));
  }
}
