import { LOAD_GENERATOR_LIMITS, type LoadGeneratorLimits } from '#core/contract/index.ts';
import { COMPRESSIONS, type Compression, type GeneratorOptions } from '#lambda/generator/run.ts';

/**
 * What `npm run generate -- --remote` sends the load-generator Lambda (JSON payload). The topic is fixed by the
 * stack (TOPIC_NAME): the function may write only there.
 */
export interface LoadRequest {
  /** Fleet size. */
  readonly devices: number;
  /** Records per second over all devices, at most `maxRate`; 0 or absent = `maxRate` (never unbounded). */
  readonly rate?: number;
  /** Stop after this many records. */
  readonly count?: number;
  /** Stop after this many seconds (capped by the Lambda timeout). */
  readonly durationSeconds?: number;
  readonly seed?: string | number;
  /** Share of deliberately invalid records, 0–1. */
  readonly badRatio?: number;
  /** Share of records in the blog producer's legacy format, 0–1. */
  readonly legacyRatio?: number;
  /** Kafka codec of the produced batches. @default 'none' */
  readonly compression?: Compression;
}

const KNOWN = new Set([
  'devices',
  'rate',
  'count',
  'durationSeconds',
  'seed',
  'badRatio',
  'legacyRatio',
  'compression',
]);

const optionalNumber = (
  raw: Record<string, unknown>,
  key: string,
  check: (n: number) => boolean,
  what: string,
) => {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !check(value))
    throw new Error(`${key} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
};

/** Reads the bounds the stack set (LOAD_GENERATOR_LIMITS, JSON); absent = the contract's defaults. */
export const parseLoadLimits = (raw: string | undefined): LoadGeneratorLimits => {
  if (raw === undefined || raw === '') return LOAD_GENERATOR_LIMITS;
  const parsed = JSON.parse(raw) as Partial<LoadGeneratorLimits>;
  const limits = { ...LOAD_GENERATOR_LIMITS, ...parsed };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`load generator limit ${key} must be a positive integer`);
  }
  return limits;
};

/** The payload as an object of known fields, or an error saying what a valid one looks like. */
const payloadOf = (event: unknown): Record<string, unknown> => {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Error('payload must be a JSON object like {"devices":100,"rate":1000,"durationSeconds":60}');
  }
  const raw = event as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0)
    throw new Error(`unknown field(s): ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})`);
  return raw;
};

const isRatio = (n: number) => n >= 0 && n <= 1;
const upTo = (max: number) => (n: number) => Number.isInteger(n) && n >= 1 && n <= max;

/** The fleet size and how long to run (a count, a duration or both), within `limits`. */
const runSize = (raw: Record<string, unknown>, limits: LoadGeneratorLimits) => {
  const devices = optionalNumber(
    raw,
    'devices',
    upTo(limits.maxDevices),
    `an integer from 1 to ${limits.maxDevices}`,
  );
  if (devices === undefined) throw new Error('devices is required');
  const count = optionalNumber(
    raw,
    'count',
    upTo(limits.maxCount),
    `an integer from 1 to ${limits.maxCount}`,
  );
  const durationSeconds = optionalNumber(
    raw,
    'durationSeconds',
    (n) => n > 0,
    'a positive number of seconds',
  );
  if (count === undefined && durationSeconds === undefined) throw new Error('give count or durationSeconds');
  return { devices, count, durationSeconds };
};

/**
 * Validates the payload into generator options within `limits` (guardrails.loadGenerator: fleet size, rate, count);
 * the error message says which field is wrong and why.
 */
export const parseLoadRequest = (
  event: unknown,
  topic: string,
  signal: AbortSignal,
  limits: LoadGeneratorLimits = LOAD_GENERATOR_LIMITS,
): GeneratorOptions => {
  const raw = payloadOf(event);
  const { devices, count, durationSeconds } = runSize(raw, limits);
  const seed = raw.seed;
  if (seed !== undefined && typeof seed !== 'string' && typeof seed !== 'number')
    throw new Error('seed must be a string or number');
  const rate = optionalNumber(
    raw,
    'rate',
    (n) => n >= 0 && n <= limits.maxRate,
    `a number from 0 to ${limits.maxRate}`,
  );
  const badRatio = optionalNumber(raw, 'badRatio', isRatio, 'between 0 and 1');
  const legacyRatio = optionalNumber(raw, 'legacyRatio', isRatio, 'between 0 and 1');
  const compression = raw.compression;
  if (compression !== undefined && !(COMPRESSIONS as readonly unknown[]).includes(compression))
    throw new Error(
      `compression must be one of ${COMPRESSIONS.join(', ')}, got ${JSON.stringify(compression)}`,
    );
  return {
    topic,
    devices,
    signal,
    ...(count !== undefined ? { count } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(seed !== undefined ? { seed } : {}),
    rate: rate === undefined || rate === 0 ? limits.maxRate : rate,
    ...(badRatio !== undefined ? { badRatio } : {}),
    ...(legacyRatio !== undefined ? { legacyRatio } : {}),
    ...(compression !== undefined ? { compression: compression as Compression } : {}),
  };
};
