import { BAD_CLASSES, type BadClass, makeBadValue, type RecordFields } from './bad-records.ts';
import { DeviceSimulation, deviceTraits } from './devices.ts';
import { createRandom } from './prng.ts';
import { withSilentDevices } from './silent-devices.ts';

/**
 * The telemetry stream: an endless, pure, seeded iterator of Kafka messages. The same options (seed and clock
 * included) always give the same bytes; nothing here touches the network.
 */

export interface TelemetryMessage {
  /** The device id: the record key, so one device's records stay on one partition and in order. */
  readonly key: string;
  readonly value: Buffer;
  /** True when the value was made invalid on purpose (`badRatio`). */
  readonly bad: boolean;
  readonly badClass?: BadClass;
}

export interface TelemetryStreamOptions {
  /** Fleet size (`dvc0001`…). */
  readonly devices: number;
  /** @default 1 */
  readonly seed?: string | number;
  /** Share of records made invalid, 0–1. @default 0 */
  readonly badRatio?: number;
  /** Which invalid classes to draw from. @default all of BAD_CLASSES */
  readonly badClasses?: readonly BadClass[];
  /** Share of good records in the blog producer's format (numeric strings, `YYYY-MM-DD HH:mm:ss`). @default 0 */
  readonly legacyRatio?: number;
  /** Pad good records with a `pad` field to exactly this many bytes (when bigger than the natural size). */
  readonly recordBytes?: number;
  /** Event time source, epoch ms. @default Date.now */
  readonly clock?: () => number;
  /** Share of devices that stop reporting a random 30–90 s in (silent-devices.ts), 0 ≤ F < 1. @default 0 */
  readonly silentRatio?: number;
}

/** A clock for reproducible streams: `start`, `start + step`, … one tick per report. */
export const steppedClock = (startMs: number, stepMs: number): (() => number) => {
  let next = startMs;
  return () => {
    const now = next;
    next += stepMs;
    return now;
  };
};

// Fixed part of a padded record: `,"pad":""` = 9 bytes.
const PAD_OVERHEAD = 9;
let padding = 'x'.repeat(1024);
const padOf = (length: number): string => {
  while (padding.length < length) padding += padding;
  return padding.slice(0, length);
};

const naiveUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Builds a good record's JSON by template: device ids, models and statuses never need escaping. */
const goodJson = (f: RecordFields, recordBytes: number | undefined): string => {
  const cpu = typeof f.cpuusage === 'number' ? f.cpuusage : `"${f.cpuusage}"`;
  const memory = typeof f.memoryusage === 'number' ? f.memoryusage : `"${f.memoryusage}"`;
  const body =
    `{"deviceid":"${f.deviceid}","model":"${f.model}","interface":"${f.interface}",` +
    `"interfacestatus":"${f.interfacestatus}","cpuusage":${cpu},"memoryusage":${memory},"event_time":"${f.event_time}"`;
  const padLength = recordBytes === undefined ? -1 : recordBytes - body.length - 1 - PAD_OVERHEAD;
  return padLength >= 0 ? `${body},"pad":"${padOf(padLength)}"}` : `${body}}`;
};

const validateStreamOptions = (options: TelemetryStreamOptions): void => {
  const { devices, badRatio = 0, legacyRatio = 0, recordBytes } = options;
  if (!Number.isInteger(devices) || devices < 1)
    throw new Error(`devices must be a positive integer, got ${devices}`);
  if (!(badRatio >= 0 && badRatio <= 1)) throw new Error(`badRatio must be within 0-1, got ${badRatio}`);
  if (!(legacyRatio >= 0 && legacyRatio <= 1))
    throw new Error(`legacyRatio must be within 0-1, got ${legacyRatio}`);
  if (
    recordBytes !== undefined &&
    !(Number.isInteger(recordBytes) && recordBytes > 0 && recordBytes <= 65_536)
  ) {
    throw new Error(`recordBytes must be an integer within 1-65536, got ${recordBytes}`);
  }
  if (options.badClasses?.length === 0) throw new Error('badClasses must not be empty');
};

/**
 * The stream as modem reports: each report is one device's snapshot, a message per interface with one event time.
 * Which device reports next is drawn at random, so devices interleave report by report.
 */
export function* createReportStream(options: TelemetryStreamOptions): Generator<TelemetryMessage[], never> {
  validateStreamOptions(options);
  const seed = options.seed ?? 1;
  const random = createRandom(`${seed}/stream`);
  const simulations = deviceTraits(options.devices, seed).map((traits) => new DeviceSimulation(traits));
  const clock = options.clock ?? Date.now;
  const badRatio = options.badRatio ?? 0;
  const legacyRatio = options.legacyRatio ?? 0;
  const badClasses = options.badClasses ?? BAD_CLASSES;

  while (true) {
    const device = random.pick(simulations);
    const readings = device.report(random);
    const eventMs = clock();
    // One event time per report: formatted once, not per interface.
    const eventTime = new Date(eventMs).toISOString();
    yield readings.map((reading): TelemetryMessage => {
      const legacy = legacyRatio > 0 && random.chance(legacyRatio);
      const fields: RecordFields = {
        deviceid: device.traits.deviceId,
        model: device.traits.model.name,
        interface: reading.interface,
        interfacestatus: reading.status,
        cpuusage: legacy ? String(reading.cpu) : reading.cpu,
        memoryusage: legacy ? String(reading.memory) : reading.memory,
        event_time: legacy ? naiveUtc(eventMs) : eventTime,
      };
      if (badRatio > 0 && random.chance(badRatio)) {
        const badClass = random.pick(badClasses);
        return { key: fields.deviceid, value: makeBadValue(badClass, fields, random), bad: true, badClass };
      }
      return { key: fields.deviceid, value: Buffer.from(goodJson(fields, options.recordBytes)), bad: false };
    });
  }
}

/** The stream record by record (what a producer sends): the reports, flattened in order. */
export function* createTelemetryStream(options: TelemetryStreamOptions): Generator<TelemetryMessage, never> {
  const reports = withSilentDevices(createReportStream(options), options);
  while (true) yield* reports.next().value as TelemetryMessage[];
}
