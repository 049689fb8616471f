import { describe, expect, it } from 'vitest';
import { decodeRecord } from '#core/record.ts';
import { BAD_CLASSES, OVERSIZED_BYTES } from '#lambda/generator/bad-records.ts';
import { DRIFT, deviceIdOf, deviceTraits } from '#lambda/generator/devices.ts';
import { CPU_LIMITS, MODEM_MODELS } from '#lambda/generator/models.ts';
import { createRandom } from '#lambda/generator/prng.ts';
import {
  createReportStream,
  createTelemetryStream,
  steppedClock,
  type TelemetryMessage,
  type TelemetryStreamOptions,
} from '#lambda/generator/telemetry.ts';

const START = Date.parse('2026-11-21T10:00:00.000Z');
const take = (options: TelemetryStreamOptions, n: number): TelemetryMessage[] => {
  const stream = createTelemetryStream({ clock: steppedClock(START, 100), ...options });
  return Array.from({ length: n }, () => stream.next().value);
};
const parse = (m: TelemetryMessage) => JSON.parse(m.value.toString('utf8')) as Record<string, unknown>;

describe('seeded PRNG', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom('42');
    const c = createRandom(43);
    const seqA = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 1000 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = seqA.reduce((s, x) => s + x, 0) / seqA.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('telemetry stream', () => {
  it('gives the identical stream for the same seed and clock, a different one for another seed', () => {
    const first = take({ devices: 50, seed: 7, badRatio: 0.1 }, 2000);
    const again = take({ devices: 50, seed: 7, badRatio: 0.1 }, 2000);
    const other = take({ devices: 50, seed: 8, badRatio: 0.1 }, 2000);
    expect(again.map((m) => [m.key, m.value.toString('hex'), m.bad])).toEqual(
      first.map((m) => [m.key, m.value.toString('hex'), m.bad]),
    );
    expect(other.map((m) => m.value.toString('hex'))).not.toEqual(first.map((m) => m.value.toString('hex')));
  });

  it('emits records that validate under the record contract, keyed by their device id', () => {
    const messages = take({ devices: 200, seed: 1 }, 5000);
    for (const message of messages) {
      const decoded = decodeRecord(message.value, Buffer.from(message.key));
      if (!decoded.ok) throw new Error(`${decoded.reason}: ${message.value}`);
      expect(decoded.record.deviceId).toBe(message.key);
    }
    expect(new Set(messages.map((m) => m.key)).size).toBe(200);
    expect(messages.every((m) => /^dvc\d{4}$/.test(m.key))).toBe(true);
  });

  it('uses the five models, each device with a fixed model and interfaces from its model', () => {
    const messages = take({ devices: 300, seed: 3 }, 6000).map(parse);
    const modelOf = new Map<string, unknown>();
    for (const r of messages) {
      const known = modelOf.get(r.deviceid as string);
      if (known !== undefined) expect(r.model).toBe(known);
      modelOf.set(r.deviceid as string, r.model);
      const model = MODEM_MODELS.find((m) => m.name === r.model);
      expect(model?.interfaces).toContain(r.interface);
    }
    expect(new Set(modelOf.values())).toEqual(new Set(MODEM_MODELS.map((m) => m.name)));
  });

  it('drifts CPU and memory continuously within each model’s limits, not as independent noise', () => {
    const byDevice = new Map<string, { cpu: number[]; memory: number[]; model: string }>();
    for (const r of take({ devices: 20, seed: 11 }, 40_000).map(parse)) {
      const series = byDevice.get(r.deviceid as string) ?? { cpu: [], memory: [], model: r.model as string };
      series.cpu.push(r.cpuusage as number);
      series.memory.push(r.memoryusage as number);
      byDevice.set(r.deviceid as string, series);
    }
    // One step: reversion toward the baseline (at most the whole range × rate) + noise clipped at 3σ + rounding.
    const maxCpuStep = DRIFT.cpuReversion * (CPU_LIMITS.max - CPU_LIMITS.min) + 3 * DRIFT.cpuNoise + 1;
    for (const { cpu, memory, model } of byDevice.values()) {
      const total = MODEM_MODELS.find((m) => m.name === model)?.memoryTotalMb ?? 0;
      const maxMemoryStep = DRIFT.memoryReversion * total + 3 * DRIFT.memoryNoise * total + 1;
      expect(Math.min(...cpu)).toBeGreaterThanOrEqual(CPU_LIMITS.min);
      expect(Math.max(...cpu)).toBeLessThanOrEqual(CPU_LIMITS.max);
      expect(Math.max(...memory)).toBeLessThanOrEqual(total);
      expect(largestStep(cpu)).toBeLessThanOrEqual(maxCpuStep);
      expect(largestStep(memory)).toBeLessThanOrEqual(maxMemoryStep);
      expect(largestStep(cpu)).toBeGreaterThan(0);
      // A random walk: consecutive readings are strongly correlated (pure noise would be ~0).
      expect(lag1Autocorrelation(cpu)).toBeGreaterThan(0.6);
      expect(lag1Autocorrelation(memory)).toBeGreaterThan(0.6);
      // …and it does move.
      expect(new Set(cpu).size).toBeGreaterThan(5);
    }
  });

  it('is mostly connected, with disconnected and down episodes', () => {
    const statuses = take({ devices: 50, seed: 5 }, 50_000).map((m) => parse(m).interfacestatus as string);
    const share = (s: string) => statuses.filter((x) => x === s).length / statuses.length;
    expect(share('connected')).toBeGreaterThan(0.8);
    expect(share('down')).toBeGreaterThan(0.005);
    expect(share('disconnected')).toBeGreaterThan(0.005);
    expect(share('connected') + share('down') + share('disconnected')).toBeCloseTo(1, 10);
  });

  it('sends each report as a snapshot: a record per interface of the device, one reading, one event time', () => {
    const traits = new Map(deviceTraits(300, 4).map((p) => [p.deviceId, p]));
    const stream = createReportStream({ devices: 300, seed: 4, clock: steppedClock(START, 100) });
    const reports = Array.from({ length: 2000 }, () => stream.next().value);
    reports.forEach((report, i) => {
      const records = report.map(parse);
      const device = traits.get(report[0]?.key ?? '');
      expect(records.map((r) => r.interface)).toEqual(device?.interfaces);
      expect(new Set(report.map((m) => m.key))).toEqual(new Set([device?.deviceId]));
      for (const field of ['model', 'interfacestatus', 'cpuusage', 'memoryusage'] as const)
        expect(new Set(records.map((r) => r[field])).size).toBe(1);
      expect(new Set(records.map((r) => r.event_time))).toEqual(
        new Set([new Date(START + 100 * i).toISOString()]),
      );
    });
    // Devices interleave report by report, and models differ in interface count, so reports do too.
    expect(new Set(reports.map((r) => r[0]?.key)).size).toBeGreaterThan(250);
    expect(new Set(reports.map((r) => r.length)).size).toBeGreaterThan(3);
  });

  it('flattens the reports into the record stream in order', () => {
    const options = { devices: 40, seed: 6, badRatio: 0.2 };
    const reports = createReportStream({ ...options, clock: steppedClock(START, 100) });
    const flattened = Array.from({ length: 300 }, () => reports.next().value).flat();
    const records = take(options, flattened.length);
    expect(records.map((m) => m.value.toString())).toEqual(flattened.map((m) => m.value.toString()));
  });

  it('pads good records to exactly --record-bytes with a pad field', () => {
    for (const m of take({ devices: 10, seed: 1, recordBytes: 1024 }, 500)) {
      expect(m.value.length).toBe(1024);
      expect(decodeRecord(m.value).ok).toBe(true);
      expect(typeof parse(m).pad).toBe('string');
    }
    // Smaller than the natural size: left as is, no pad.
    const [small] = take({ devices: 10, seed: 1, recordBytes: 10 }, 1);
    expect(small && parse(small).pad).toBeUndefined();
  });

  it('can send the blog producer’s format (numeric strings, naive UTC time), still valid', () => {
    const messages = take({ devices: 10, seed: 1, legacyRatio: 1 }, 200);
    for (const m of messages) {
      const raw = parse(m);
      expect(typeof raw.cpuusage).toBe('string');
      expect(raw.event_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(decodeRecord(m.value).ok).toBe(true);
    }
  });
});

describe('bad records', () => {
  it('injects the requested share, marked bad, all rejected by the contract, every class present', () => {
    const messages = take({ devices: 100, seed: 9, badRatio: 0.1 }, 20_000);
    const bad = messages.filter((m) => m.bad);
    expect(bad.length / messages.length).toBeGreaterThan(0.09);
    expect(bad.length / messages.length).toBeLessThan(0.11);
    for (const m of messages) expect(decodeRecord(m.value).ok).toBe(!m.bad);
    expect(new Set(bad.map((m) => m.badClass))).toEqual(new Set(BAD_CLASSES));
  });

  it.each(BAD_CLASSES)('%s is rejected for the matching reason', (badClass) => {
    const expected: Record<(typeof BAD_CLASSES)[number], RegExp> = {
      'bad-json': /not JSON/,
      'bad-utf8': /UTF-8/,
      'missing-deviceid': /missing deviceid/,
      'non-numeric-cpu': /cpuusage not numeric/,
      'out-of-range': /out of range/,
      'bad-time': /event_time/,
      oversized: /too large/,
    };
    for (const m of take({ devices: 10, seed: badClass, badRatio: 1, badClasses: [badClass] }, 50)) {
      const decoded = decodeRecord(m.value);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(expected[badClass]);
      if (badClass === 'oversized') expect(m.value.length).toBeGreaterThanOrEqual(OVERSIZED_BYTES);
    }
  });

  it('never makes a record bad with ratio 0 and always with ratio 1', () => {
    expect(take({ devices: 10, seed: 1 }, 1000).some((m) => m.bad)).toBe(false);
    expect(take({ devices: 10, seed: 1, badRatio: 1 }, 1000).every((m) => m.bad)).toBe(true);
  });
});

describe('fleet traits', () => {
  it('is a pure function of the seed, with blog-style ids', () => {
    const a = deviceTraits(100, 'x');
    expect(deviceTraits(100, 'x')).toEqual(a);
    expect(a[0]?.deviceId).toBe('dvc0001');
    expect(deviceIdOf(9999)).toBe('dvc10000');
    expect(deviceTraits(100, 'y').map((p) => p.model.name)).not.toEqual(a.map((p) => p.model.name));
  });

  it('rejects invalid options', () => {
    expect(() => take({ devices: 0 }, 1)).toThrow(/devices/);
    expect(() => take({ devices: 1, badRatio: 2 }, 1)).toThrow(/badRatio/);
    expect(() => take({ devices: 1, recordBytes: 70_000 }, 1)).toThrow(/recordBytes/);
  });
});

const largestStep = (xs: number[]): number =>
  xs.reduce((max, x, i) => (i === 0 ? max : Math.max(max, Math.abs(x - (xs[i - 1] ?? x)))), 0);

const lag1Autocorrelation = (xs: number[]): number => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] ?? 0) - mean;
    den += d * d;
    if (i > 0) num += d * ((xs[i - 1] ?? 0) - mean);
  }
  return den === 0 ? 0 : num / den;
};
