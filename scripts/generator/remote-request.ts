import { COMPRESSIONS } from '#lambda/generator/run.ts';
import type { LoadRequest } from '#lambda/load-generator/request.ts';
import { choiceFlag, numberFlag, optionalNumberFlag, UsageError } from '#scripts/shared/cli.ts';

/** Flags that shape the local producer only; the in-VPC Lambda decides those itself. */
const LOCAL_ONLY = [
  'local',
  'brokers',
  'topic',
  'batch',
  'in-flight',
  'acks',
  'record-bytes',
  'start-time',
  'time-step-ms',
];

export type RemoteFlags = Partial<Record<string, string | boolean | undefined>>;

/** `npm run generate -- --remote …` flags → the load-generator Lambda's payload (lambda/load-generator/request.ts). */
export const remoteLoadRequest = (values: RemoteFlags): LoadRequest => {
  const misplaced = LOCAL_ONLY.filter((flag) => values[flag] !== undefined && values[flag] !== false);
  if (misplaced.length > 0)
    throw new UsageError(`--remote does not take ${misplaced.map((f) => `--${f}`).join(', ')}`);
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const devices = text('devices');
  if (devices === undefined) throw new UsageError('--devices is required');
  const count = text('count');
  const duration = text('duration');
  if (count === undefined && duration === undefined) throw new UsageError('give --duration or --count');
  const seed = text('seed');
  const compression = text('compression');
  return {
    devices: numberFlag('devices', devices, { integer: true, min: 1, max: 10_000_000 }),
    rate: optionalNumberFlag('rate', text('rate'), 0, { min: 0 }),
    ...(count !== undefined ? { count: numberFlag('count', count, { integer: true, min: 1 }) } : {}),
    ...(duration !== undefined ? { durationSeconds: numberFlag('duration', duration, { min: 0.001 }) } : {}),
    ...(seed !== undefined ? { seed } : {}),
    badRatio: optionalNumberFlag('bad-ratio', text('bad-ratio'), 0, { min: 0, max: 1 }),
    legacyRatio: optionalNumberFlag('legacy-ratio', text('legacy-ratio'), 0, { min: 0, max: 1 }),
    ...(compression !== undefined
      ? { compression: choiceFlag('compression', compression, COMPRESSIONS) }
      : {}),
  };
};
