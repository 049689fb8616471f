import { COMPRESSIONS, type Compression, type GeneratorOptions } from '#lambda/generator/run.ts';

/**
 * What `npm run generate -- --remote` sends the load-generator Lambda (JSON payload). The topic is fixed by the
 * stack (TOPIC_NAME): the function may write only there.
 */
export interface LoadRequest {
  /** Fleet size. */
  readonly devices: number;
  /** Records per second over all devices; 0 or absent = as fast as MSK takes them. */
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

/** Validates the payload into generator options; the error message says which field is wrong and why. */
export const parseLoadRequest = (event: unknown, topic: string, signal: AbortSignal): GeneratorOptions => {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Error('payload must be a JSON object like {"devices":100,"rate":1000,"durationSeconds":60}');
  }
  const raw = event as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0)
    throw new Error(`unknown field(s): ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})`);
  const isPositiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  const isRatio = (n: number) => n >= 0 && n <= 1;
  const devices = optionalNumber(raw, 'devices', isPositiveInt, 'a positive integer');
  if (devices === undefined) throw new Error('devices is required');
  const count = optionalNumber(raw, 'count', isPositiveInt, 'a positive integer');
  const durationSeconds = optionalNumber(
    raw,
    'durationSeconds',
    (n) => n > 0,
    'a positive number of seconds',
  );
  if (count === undefined && durationSeconds === undefined) throw new Error('give count or durationSeconds');
  const seed = raw.seed;
  if (seed !== undefined && typeof seed !== 'string' && typeof seed !== 'number')
    throw new Error('seed must be a string or number');
  const rate = optionalNumber(raw, 'rate', (n) => n >= 0 && Number.isFinite(n), 'a number >= 0');
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
    ...(rate !== undefined ? { rate } : {}),
    ...(badRatio !== undefined ? { badRatio } : {}),
    ...(legacyRatio !== undefined ? { legacyRatio } : {}),
    ...(compression !== undefined ? { compression: compression as Compression } : {}),
  };
};
