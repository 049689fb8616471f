/**
 * Known telemetry for the lake tests and what the named queries in docs/queries/ must answer for it, computed here
 * in plain TypeScript from the records as produced (never from the lake).
 */

export const LAKE_MODELS = ['EVG2000', 'ARC-X5', 'HG8245'] as const;
const STATUSES = ['connected', 'disconnected', 'down'] as const;

/** What the Glue table's columns hold for a produced line; null fields are what the SerDe reads as NULL. */
export interface ProducedRecord {
  readonly value: Buffer;
  /** Not a JSON object: a row of NULLs in both engines. */
  readonly malformed: boolean;
  readonly deviceid: string | null;
  readonly model: string | null;
  readonly interfacestatus: string | null;
  readonly cpuusage: number | null;
  /** The ISO or `YYYY-MM-DD HH:mm:ss` text, as sent. */
  readonly eventTime: string | null;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
const randomFrom = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const legacyTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * `count` records from `first` on: 40 devices over 3 models, event times over 6 hours across midnight UTC
 * (2026-11-20 21:00 to 2026-11-21 03:00), every 7th in the blog producer's format (numbers as strings, naive UTC
 * time), and every 53rd a bad line of one of four kinds (bad JSON, bad UTF-8, a JSON array, a non-numeric cpu).
 */
export const lakeRecords = (first: number, count: number, seed = 16): ProducedRecord[] => {
  const random = randomFrom(seed * 1_000_003 + first);
  const start = Date.parse('2026-11-20T21:00:00Z');
  return Array.from({ length: count }, (_, k): ProducedRecord => {
    const i = first + k;
    const device = i % 40;
    const deviceid = `dvc${String(device + 1).padStart(4, '0')}`;
    const model = LAKE_MODELS[device % LAKE_MODELS.length] ?? 'EVG2000';
    const status = STATUSES[Math.floor(random() * STATUSES.length)] ?? 'connected';
    // Steps of 0.05 (fractions and some ties): few enough ties that an off-by-one rank changes the p95.
    const cpu = Math.floor(random() * 2001) / 20;
    const memory = Math.floor(random() * 4096);
    const eventMs = start + Math.floor(random() * 6 * 3_600_000);
    if (i % 53 === 0) {
      const kind = (i / 53) % 4;
      if (kind === 0)
        return { ...nulls, value: Buffer.from(`{"deviceid":"${deviceid}","cpuusage":`), malformed: true };
      if (kind === 1)
        return {
          ...nulls,
          value: Buffer.concat([Buffer.from('{"deviceid":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
          malformed: true,
        };
      if (kind === 2) return { ...nulls, value: Buffer.from('[1,2,3]'), malformed: true };
      const eventTime = new Date(eventMs).toISOString();
      const fields = { deviceid, model, interfacestatus: status, cpuusage: 'n/a', event_time: eventTime };
      return {
        value: Buffer.from(JSON.stringify(fields)),
        malformed: false,
        deviceid,
        model,
        interfacestatus: status,
        cpuusage: null,
        eventTime,
      };
    }
    const legacy = i % 7 === 0;
    const eventTime = legacy ? legacyTime(eventMs) : new Date(eventMs).toISOString();
    const fields = {
      deviceid,
      model,
      interface: `eth${i % 4}`,
      interfacestatus: status,
      cpuusage: legacy ? String(cpu) : cpu,
      memoryusage: legacy ? String(memory) : memory,
      event_time: eventTime,
    };
    return {
      value: Buffer.from(JSON.stringify(fields)),
      malformed: false,
      deviceid,
      model,
      interfacestatus: status,
      cpuusage: cpu,
      eventTime,
    };
  });
};

const nulls = {
  deviceid: null,
  model: null,
  interfacestatus: null,
  cpuusage: null,
  eventTime: null,
} as const;

/** `YYYY-MM-DD HH:mm:ss` from either accepted format, as the queries normalize it. */
const naive = (eventTime: string) => eventTime.slice(0, 19).replace('T', ' ');

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** docs/queries/records-per-model-per-hour.sql */
export const recordsPerModelPerHour = (records: readonly ProducedRecord[]) => {
  const counts = new Map<string, { model: string | null; event_hour: string; records: number }>();
  for (const r of records) {
    if (r.deviceid === null || r.eventTime === null) continue;
    const hour = `${naive(r.eventTime).slice(0, 13)}:00`;
    const key = JSON.stringify([r.model, hour]);
    const row = counts.get(key) ?? { model: r.model, event_hour: hour, records: 0 };
    row.records++;
    counts.set(key, row);
  }
  return [...counts.values()].sort(
    (a, b) => compare(a.event_hour, b.event_hour) || compare(a.model ?? '\uffff', b.model ?? '\uffff'),
  );
};

/** docs/queries/devices-down.sql with its two parameters. */
export const devicesDown = (records: readonly ProducedRecord[], from: string, to: string) => {
  const devices = new Map<
    string,
    { deviceid: string; model: string | null; down_records: number; first_down: string; last_down: string }
  >();
  for (const r of records) {
    if (r.deviceid === null || r.eventTime === null || r.interfacestatus !== 'down') continue;
    const at = naive(r.eventTime);
    if (at < from || at >= to) continue;
    const key = JSON.stringify([r.deviceid, r.model]);
    const row = devices.get(key) ?? {
      deviceid: r.deviceid,
      model: r.model,
      down_records: 0,
      first_down: at,
      last_down: at,
    };
    row.down_records++;
    if (at < row.first_down) row.first_down = at;
    if (at > row.last_down) row.last_down = at;
    devices.set(key, row);
  }
  return [...devices.values()].sort(
    (a, b) => compare(a.deviceid, b.deviceid) || compare(a.model ?? '\uffff', b.model ?? '\uffff'),
  );
};

/** The nearest-rank p95: the ceil(0.95 × n)-th smallest value (1-based), in integer arithmetic. */
export const nearestRankP95 = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.floor((95 * sorted.length + 99) / 100);
  const value = sorted[rank - 1];
  if (value === undefined) throw new Error('p95 of no values');
  return value;
};

/** docs/queries/p95-cpu-per-model-per-day.sql */
export const p95CpuPerModelPerDay = (records: readonly ProducedRecord[]) => {
  const days = new Map<string, { model: string | null; event_day: string; values: number[] }>();
  for (const r of records) {
    if (r.deviceid === null || r.eventTime === null || r.cpuusage === null) continue;
    const day = r.eventTime.slice(0, 10);
    const key = JSON.stringify([r.model, day]);
    const group = days.get(key) ?? { model: r.model, event_day: day, values: [] };
    group.values.push(r.cpuusage);
    days.set(key, group);
  }
  return [...days.values()]
    .map(({ model, event_day, values }) => ({
      model,
      event_day,
      readings: values.length,
      p95_cpu: nearestRankP95(values),
    }))
    .sort((a, b) => compare(a.event_day, b.event_day) || compare(a.model ?? '\uffff', b.model ?? '\uffff'));
};
