import type { Random } from './prng.ts';

/**
 * The invalid-record classes (README "Record format": what the processor dead-letters), made from a good record so everything else about them looks real.
 * Each must be rejected by the record contract: tests hold every class against `decodeRecord`.
 */
export const BAD_CLASSES = [
  'bad-json',
  'bad-utf8',
  'missing-deviceid',
  'non-numeric-cpu',
  'out-of-range',
  'bad-time',
  'oversized',
] as const;

export type BadClass = (typeof BAD_CLASSES)[number];

/** The fields a good record is built from (wire names). */
export interface RecordFields {
  deviceid: string;
  model: string;
  interface: string;
  interfacestatus: string;
  cpuusage: number | string;
  memoryusage: number | string;
  event_time: string;
}

/** A value just over the contract's 64 KiB limit. */
export const OVERSIZED_BYTES = 64 * 1024 + 1;

export const makeBadValue = (kind: BadClass, fields: RecordFields, random: Random): Buffer => {
  switch (kind) {
    case 'bad-json': {
      // Truncated mid-record, as a producer crashing mid-write would leave it.
      const json = JSON.stringify(fields);
      return Buffer.from(json.slice(0, random.int(1, json.length - 1)));
    }
    case 'bad-utf8': {
      // 0xC3 must be followed by a continuation byte; 0x28 "(" is not one.
      const [head, tail] = JSON.stringify({ ...fields, model: '\u0000' }).split('\\u0000') as [
        string,
        string,
      ];
      return Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28]), Buffer.from(tail)]);
    }
    case 'missing-deviceid': {
      const { deviceid: _, ...rest } = fields;
      return Buffer.from(JSON.stringify(rest));
    }
    case 'non-numeric-cpu':
      return Buffer.from(JSON.stringify({ ...fields, cpuusage: random.pick(['high', 'n/a', '', 'NaN%']) }));
    case 'out-of-range':
      return Buffer.from(
        JSON.stringify(
          random.chance(0.5)
            ? { ...fields, cpuusage: random.pick([-1, 101 + random.int(0, 900)]) }
            : { ...fields, memoryusage: 1_048_577 + random.int(0, 1_000_000) },
        ),
      );
    case 'bad-time':
      return Buffer.from(
        JSON.stringify({
          ...fields,
          event_time: random.pick(['2026-13-45T25:61:00Z', 'yesterday', '1700000000']),
        }),
      );
    case 'oversized': {
      const json = JSON.stringify({ ...fields, pad: '' });
      return Buffer.from(
        `${json.slice(0, -2)}${'x'.repeat(OVERSIZED_BYTES - json.length + random.int(0, 1024))}"}`,
      );
    }
  }
};
