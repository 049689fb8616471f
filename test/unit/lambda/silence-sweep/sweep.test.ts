/**
 * The silence sweep over in-memory fakes and a simulated fleet (test/support/silence-fleet.ts): devices that stop get
 * exactly one alert, devices that keep sending none, whatever the processor's stalls, overlapping sweeps, failed
 * transactions and devices reporting while the sweep judges them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertItem } from '#core/items/alert.ts';
import type { Rule } from '#core/rules.ts';
import { STALL_RULE_ID } from '#lambda/silence-sweep/stall-step.ts';
import { type FleetSpec, SilenceFleet, T0 } from '#test/support/silence-fleet.ts';

const N = 60;
const RULE: Rule = { ruleId: 'silent', when: { silentForSeconds: N }, severity: 'critical', enabled: true };

type Stored = AlertItem & { state?: string };

const silenceAlerts = (fleet: SilenceFleet): Stored[] =>
  [...fleet.store.alerts.values()].filter((a) => a.ruleId === RULE.ruleId);
const stallAlerts = (fleet: SilenceFleet): Stored[] =>
  [...fleet.store.alerts.values()].filter((a) => a.ruleId === STALL_RULE_ID);

/** Runs the fleet second by second to `end`, sweeping every `sweepEvery` s (at offset 30). */
const run = async (
  fleet: SilenceFleet,
  end: number,
  options: { sweepEvery?: number; from?: number } = {},
) => {
  const every = options.sweepEvery ?? 60;
  for (let t = options.from ?? 0; t < end; t++) {
    fleet.step(t);
    if (t % every === 30) await fleet.sweep();
  }
};

const spec = (over: Partial<FleetSpec>): FleetSpec => ({
  devices: [],
  partitions: 2,
  stalls: [[], []],
  everySeconds: 1,
  processEverySeconds: 1,
  ...over,
});

describe('silence sweep', () => {
  it('fires exactly once for each device that stops, never for one that keeps sending, and stays quiet on re-runs', async () => {
    const fleet = new SilenceFleet(
      spec({
        devices: [
          { active: [[0, 10_000]], partition: 0 },
          { active: [[0, 200]], partition: 0 },
          { active: [[0, 10_000]], partition: 1 },
          { active: [[0, 250]], partition: 1 },
        ],
      }),
      [RULE],
    );
    await run(fleet, 600);
    const alerts = silenceAlerts(fleet);
    expect(alerts.map((a) => a.deviceId).sort()).toEqual(['d1', 'd3']);
    for (const alert of alerts) {
      const last = Math.max(...fleet.appendTimes(alert.deviceId));
      // Raised within N + 60 s of the device's last record (sweeps every 60 s, processed within a second).
      expect(Date.parse(alert.at)).toBeGreaterThanOrEqual(T0 + (last + N) * 1000);
      expect(Date.parse(alert.at)).toBeLessThanOrEqual(T0 + (last + N + 2) * 1000);
      expect(alert).toMatchObject({ state: 'firing', field: 'silentForSeconds', value: N, endsAt: null });
      expect(fleet.store.devices.get(alert.deviceId)?.openAlerts?.[RULE.ruleId]).toBe(alert.alertKey);
    }
    // The sweep that finds them runs at most N + 60 s after the last record.
    const fires = fleet.store.fires;
    await fleet.sweep();
    await fleet.sweep();
    expect(fleet.store.fires).toBe(fires);
    expect(stallAlerts(fleet)).toEqual([]);
  });

  it('reads only the departed devices: a steady fleet costs presence reads and no device read', async () => {
    const fleet = new SilenceFleet(
      spec({ devices: Array.from({ length: 20 }, (_, i) => ({ active: [[0, 10_000]], partition: i % 2 })) }),
      [RULE],
    );
    await run(fleet, 600);
    expect(fleet.store.deviceReads).toBe(0);
    expect(silenceAlerts(fleet)).toEqual([]);
  });

  it('a device that reports between the read and the transaction is judged again and not alerted', async () => {
    const fleet = new SilenceFleet(spec({ devices: [{ active: [[0, 100]], partition: 0 }] }), [RULE]);
    await run(fleet, 200);
    let raced = false;
    fleet.store.beforeFire = () => {
      if (raced) return;
      raced = true;
      // The device reports now: appended and processed before the sweep's transaction.
      fleet.spec.devices[0]?.active.push([200, 201]);
      fleet.step(200);
    };
    await fleet.sweep();
    expect(raced).toBe(true);
    expect(silenceAlerts(fleet)).toEqual([]);
  });

  it('raises no silence alert for devices that kept sending through a stall, and exactly one stall episode', async () => {
    const fleet = new SilenceFleet(
      spec({
        devices: [
          { active: [[0, 10_000]], partition: 0 },
          { active: [[0, 10_000]], partition: 1 },
        ],
        stalls: [[[120, 420]], [[120, 420]]],
      }),
      [RULE],
    );
    await run(fleet, 400);
    expect(silenceAlerts(fleet)).toEqual([]);
    expect(stallAlerts(fleet)).toHaveLength(1);
    expect(stallAlerts(fleet)[0]?.state).toBe('firing');
    await run(fleet, 700, { from: 400 });
    expect(silenceAlerts(fleet)).toEqual([]);
    expect(stallAlerts(fleet)).toHaveLength(1);
    expect(stallAlerts(fleet)[0]?.state).toBe('resolved');
  });

  it('does not judge a device on a stalled partition, and judges it once the partition catches up', async () => {
    const fleet = new SilenceFleet(
      spec({
        devices: [
          { active: [[0, 100]], partition: 0 },
          { active: [[0, 100]], partition: 1 },
        ],
        stalls: [[[50, 400]], []],
      }),
      [RULE],
    );
    await run(fleet, 390);
    // Partition 1's device is alerted; partition 0's stopped too but its records since 50 s wait unprocessed.
    expect(silenceAlerts(fleet).map((a) => a.deviceId)).toEqual(['d1']);
    await run(fleet, 700, { from: 390 });
    expect(
      silenceAlerts(fleet)
        .map((a) => a.deviceId)
        .sort(),
    ).toEqual(['d0', 'd1']);
    const d0 = silenceAlerts(fleet).find((a) => a.deviceId === 'd0');
    // Its last record (99 s) was processed when the partition resumed (400 s): silent from then.
    expect(d0?.at).toBe(new Date(T0 + (400 + N) * 1000).toISOString());
  });
});

const intervalArb = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 1, max: 400 }))
    .map(([a, len]) => [a, a + len] as [number, number]);

const fleetArb = fc.record({
  devices: fc.array(
    fc.record({
      active: fc.oneof(
        fc.constant([[0, 100_000]] as Array<[number, number]>),
        fc.array(intervalArb(700), { minLength: 1, maxLength: 3 }),
      ),
      partition: fc.integer({ min: 0, max: 1 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  stalls: fc.tuple(
    fc.array(intervalArb(800), { maxLength: 2 }),
    fc.array(intervalArb(800), { maxLength: 2 }),
  ),
  everySeconds: fc.constantFrom(1, 5, 10),
  processEverySeconds: fc.constantFrom(1, 3),
  /** Seconds at which a sweep runs (besides the regular one), some twice at once. */
  extraSweeps: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1_400 }), twice: fc.boolean() }), {
    maxLength: 8,
  }),
  faults: fc.array(
    fc.constantFrom('none', 'none', 'none', 'crash', 'lost-ack') as fc.Arbitrary<
      'none' | 'crash' | 'lost-ack'
    >,
    {
      maxLength: 20,
    },
  ),
});

describe('silence sweep invariants (fast-check)', () => {
  it('never alerts a device that sent within N s of its last processed record; every device that stops for good gets exactly one alert', async () => {
    await fc.assert(
      fc.asyncProperty(fleetArb, async (f) => {
        const fleet = new SilenceFleet(
          spec({
            devices: f.devices,
            stalls: f.stalls,
            everySeconds: f.everySeconds,
            processEverySeconds: f.processEverySeconds,
          }),
          [RULE],
        );
        let fault = 0;
        fleet.store.fireFault = () => f.faults[fault++] ?? 'none';
        const extra = new Map(f.extraSweeps.map((s) => [s.at, s.twice]));
        const END = 1_500;
        for (let t = 0; t < END; t++) {
          fleet.step(t);
          const sweeps = t % 60 === 30 ? 1 : extra.has(t) ? (extra.get(t) ? 2 : 1) : 0;
          // A failed sweep (injected fault) is simply run again by the next schedule.
          if (sweeps > 0) await Promise.allSettled(Array.from({ length: sweeps }, () => fleet.sweep()));
        }
        const alerts = silenceAlerts(fleet);
        // At most one alert per silence (device + last processed time): ids are deterministic.
        expect(new Set(alerts.map((a) => a.alertId)).size).toBe(alerts.length);
        for (const alert of alerts) {
          // Safety: the device appended nothing from its last processed record until N s later.
          const processedAt = (Date.parse(alert.at) - N * 1000 - T0) / 1000;
          // Processing at t folds every record appended up to t: the next record is the first appended after.
          const next = fleet.appendTimes(alert.deviceId).find((at) => at > processedAt);
          if (next !== undefined) expect(next).toBeGreaterThanOrEqual(processedAt + N);
        }
        // Liveness: a device whose last record is early enough (stalls end by 1,200 s) is alerted exactly once for it.
        f.devices.forEach((_, i) => {
          const id = fleet.deviceId(i);
          const times = fleet.appendTimes(id);
          const last = times.at(-1);
          if (last === undefined || last > 700) return;
          const processed = fleet.store.devices.get(id)?.processedAt;
          const forLast = alerts.filter(
            (a) =>
              a.deviceId === id && a.at === new Date(Date.parse(processed ?? '') + N * 1000).toISOString(),
          );
          expect(forLast).toHaveLength(1);
        });
      }),
      { numRuns: 60 },
    );
  });
});
