/**
 * Progress under partial failure (issue 25): each device's alerts are written right before the device, so a retried
 * batch only rewrites the alerts of devices the failed attempt did not write, and an alert is still durable before
 * the device item whose watermark covers its record (never lost), whatever write fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertItem } from '#core/items/alert.ts';
import type { DeviceItem } from '#core/items/device.ts';
import type { ConditionalWrite, StateStore } from '#core/ports.ts';
import type { Rule } from '#core/rules.ts';
import { incarnationOf, isAboveWatermark, watermarksFor } from '#core/watermark.ts';
import { memoryProcessor } from '#test/support/memory-processor.ts';
import { type Fault, MemoryAlertSink, MemoryStateStore, staticRules } from '#test/support/memory-state.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const TOPIC = 'modem-telemetry';
const ARN = 'arn:aws:kafka:local:000000000000:cluster/local/local';
const SOURCE = incarnationOf('local', TOPIC);
const RULES: Rule[] = [
  {
    ruleId: 'down',
    when: { field: 'interfacestatus', op: '==', value: 'down' },
    severity: 'critical',
    enabled: true,
  },
];

const value = (device: number, status: string, ms: number) =>
  Buffer.from(
    JSON.stringify({
      deviceid: `d${device}`,
      model: 'EVG2000',
      interface: 'eth0',
      interfacestatus: status,
      cpuusage: 5,
      memoryusage: 5,
      event_time: new Date(ms).toISOString(),
    }),
  );

/** One partition: every device reports `up`, then (second batch) `down`: one alert and one fleet-count change each. */
const batches = (devices: number) => {
  const first = Array.from({ length: devices }, (_, d) => ({
    topic: TOPIC,
    partition: 0,
    offset: d,
    timestampMs: T0 + 60_000,
    value: value(d, 'up', T0 + 1_000),
  }));
  const second = Array.from({ length: devices }, (_, d) => ({
    topic: TOPIC,
    partition: 0,
    offset: devices + d,
    timestampMs: T0 + 60_000,
    value: value(d, 'down', T0 + 2_000),
  }));
  return [toMskEvent(first, ARN), toMskEvent(second, ARN)];
};

/** An alert sink that counts what each attempt sends. */
class CountingAlertSink extends MemoryAlertSink {
  sent = 0;
  override async write(alerts: readonly AlertItem[]): Promise<void> {
    this.sent += alerts.length;
    await super.write(alerts);
  }
}

const processorOf = (store: StateStore, alerts: MemoryAlertSink) =>
  memoryProcessor({ store, alerts, rules: staticRules(RULES), clock: () => T0, maxWriteAttempts: 3 });

describe('alerts are written device by device', () => {
  it('an attempt whose alert writes fail part-way keeps the devices written so far; the retry redoes only the rest', async () => {
    const devices = 150; // two fleet-count transactions (at most 99 devices beside the fleet item)
    const [first, second] = batches(devices);
    const store = new MemoryStateStore();
    const alerts = new CountingAlertSink();
    await processorOf(store, alerts).process(first);

    // The 120th alert write of the first attempt fails (a 500 the SDK could not absorb).
    let sent = 0;
    alerts.fault = () => ++sent === 120;
    await expect(processorOf(store, alerts).process(second)).rejects.toThrow('alert write failed');
    const written = [...store.items.values()].filter(
      (i) => i.sk === 'STATE' && (i as DeviceItem).status === 'down',
    ).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(devices);
    const firstAttempt = alerts.sent;

    alerts.fault = () => false;
    await processorOf(store, alerts).process(second);
    // Before, every attempt wrote all 150 alerts before any device: the failed attempt wrote no device.
    expect(alerts.sent - firstAttempt).toBe(devices - written);
    expect(alerts.alerts.size).toBe(devices);
  });

  it('never lets a device item cover a record whose alert is not durable yet (any crash, any batch)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ device: fc.integer({ min: 0, max: 11 }), down: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom<Fault>('crash', 'lost-ack', 'touch'),
        async (specs, failAt, kind) => {
          const event = toMskEvent(
            specs.map((s, offset) => ({
              topic: TOPIC,
              partition: 0,
              offset,
              timestampMs: T0 + 60_000,
              value: value(s.device, s.down ? 'down' : 'up', T0 + offset * 1_000),
            })),
            ARN,
          );
          // The alerts a clean pass raises, by record.
          const reference = new MemoryAlertSink();
          await processorOf(new MemoryStateStore(), reference).process(event);
          const expected = [...reference.alerts.values()];

          const alerts = new MemoryAlertSink();
          const store = new MemoryStateStore();
          let writes = 0;
          const check = (list: readonly ConditionalWrite[]) => {
            for (const { item } of list) {
              if (item.sk !== 'STATE') continue;
              const offsets = watermarksFor(item as DeviceItem, SOURCE);
              for (const alert of expected)
                if (`DEVICE#${alert.deviceId}` === item.pk && !isAboveWatermark(offsets, alert))
                  expect(alerts.alerts.has(`${alert.deviceId}\n${alert.alertKey}`)).toBe(true);
            }
          };
          store.fault = (write) => {
            check([write]);
            return writes++ === failAt ? kind : 'none';
          };
          await processorOf(store, alerts)
            .process(event)
            .catch(() => undefined);
          store.fault = (write) => {
            check([write]);
            return 'none';
          };
          await processorOf(store, alerts).process(event);
          expect([...alerts.alerts.keys()].sort()).toEqual([...reference.alerts.keys()].sort());
        },
      ),
      { numRuns: 100 },
    );
  });
});
