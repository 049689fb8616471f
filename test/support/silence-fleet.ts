/**
 * A simulated fleet, processor and silence sweep over the sweep's in-memory fakes, in seconds from a slot boundary:
 * devices append a record every `everySeconds` while active; the processor handles each partition every
 * `processEverySeconds` unless that partition is stalled (then its records wait), writing each device item as the real
 * processor does for the sweep (`processedAt`, version + 1, presence when new in the slot) and resolving the open
 * silence episodes of a device that reported (what the lifecycle does); the group's committed offset follows.
 */
import type { DeviceItem } from '#core/items/device.ts';
import { deviceKey } from '#core/items/keys.ts';
import { isNewInSlot, slotOf } from '#core/items/presence.ts';
import { silentLog } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { sweepOnce } from '#lambda/silence-sweep/sweep.ts';
import type { SweepOptions } from '#lambda/silence-sweep/sweep-options.ts';
import { MemoryLagSource, MemorySweepStore } from './memory-sweep.ts';

export const T0 = Date.parse('2026-11-21T10:00:00Z');
export const TOPIC = 'modem-telemetry';

export interface DeviceSpec {
  /** Active in [from, to) intervals (seconds). */
  active: Array<[number, number]>;
  partition: number;
}

export interface FleetSpec {
  devices: DeviceSpec[];
  partitions: number;
  /** Per partition, intervals (seconds) during which it is not processed. */
  stalls: Array<Array<[number, number]>>;
  everySeconds: number;
  processEverySeconds: number;
}

export interface Appended {
  deviceId: string;
  at: number;
}

const inAny = (t: number, intervals: ReadonlyArray<[number, number]>) =>
  intervals.some(([a, b]) => t >= a && t < b);

export class SilenceFleet {
  readonly store = new MemorySweepStore();
  readonly lag = new MemoryLagSource();
  /** Per partition, the records appended, in order. */
  readonly logs: Appended[][];
  readonly committed: number[];
  now = T0;

  constructor(
    readonly spec: FleetSpec,
    readonly rules: Rule[],
  ) {
    this.logs = Array.from({ length: spec.partitions }, () => []);
    this.committed = new Array<number>(spec.partitions).fill(0);
  }

  deviceId(index: number): string {
    return `d${index}`;
  }

  /** Appends the records due at second `t`, then processes the partitions due. */
  step(t: number): void {
    this.now = T0 + t * 1000;
    if (t % this.spec.everySeconds === 0)
      this.spec.devices.forEach((d, i) => {
        if (inAny(t, d.active)) this.logs[d.partition]?.push({ deviceId: this.deviceId(i), at: t });
      });
    if (t % this.spec.processEverySeconds !== 0) return;
    for (let p = 0; p < this.spec.partitions; p++) if (!inAny(t, this.spec.stalls[p] ?? [])) this.process(p);
  }

  private process(partition: number): void {
    const log = this.logs[partition] ?? [];
    const fresh = log.slice(this.committed[partition]);
    this.committed[partition] = log.length;
    const devices = new Set(fresh.map((r) => r.deviceId));
    const slot = slotOf(this.now);
    const present: string[] = [];
    for (const id of devices) {
      const current = this.store.devices.get(id);
      if (isNewInSlot(current?.processedAt, slot)) present.push(id);
    }
    // Presence first, as the write plan does.
    if (present.length > 0) this.store.addPresence(slot, partition, TOPIC, present);
    for (const id of devices) this.writeDevice(id, partition);
  }

  private writeDevice(deviceId: string, partition: number): void {
    const current = this.store.devices.get(deviceId);
    for (const key of Object.values(current?.openAlerts ?? {})) {
      const alert = this.store.alerts.get(`${deviceId}\n${key}`) as { state?: string } | undefined;
      if (alert?.state === 'firing') alert.state = 'resolved';
    }
    const iso = new Date(this.now).toISOString();
    const item = {
      ...deviceKey(deviceId),
      deviceId,
      model: 'EVG2000',
      offsets: { [String(partition)]: (this.committed[partition] ?? 0) - 1 },
      processedAt: iso,
      openAlerts: {},
      firing: [],
      version: (current?.version ?? 0) + 1,
    } as unknown as DeviceItem;
    this.store.devices.set(deviceId, item);
  }

  setLag(): void {
    this.lag.partitions = this.logs.map((log, partition) => ({
      partition,
      committed: this.committed[partition] ?? 0,
      end: log.length,
    }));
  }

  sweep(options: Partial<SweepOptions> = {}) {
    this.setLag();
    return sweepOnce(
      {
        store: this.store,
        lag: this.lag,
        rules: { rules: async () => this.rules },
        log: silentLog,
        clock: () => this.now,
        sleep: async () => {},
      },
      { topic: TOPIC, groupId: 'g', stallAfterMs: 120_000, settleMs: 0, ...options },
    );
  }

  /** Append times of a device's records. */
  appendTimes(deviceId: string): number[] {
    return this.logs.flatMap((log) => log.filter((r) => r.deviceId === deviceId).map((r) => r.at));
  }
}
