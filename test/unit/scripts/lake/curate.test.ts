import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '#core/record.ts';
import {
  acceptLine,
  type CuratedRow,
  curateData,
  curateHour,
  curateObject,
  outsideHour,
  type RawObjectLines,
  splitLines,
} from '#scripts/lake/curate.ts';
import { HOUR_MS, hourStart } from '#scripts/lake/hour.ts';

/** What goes into one curated hour: the processor's records of that hour, once each, whatever the delivery. */

const H = Date.parse('2026-11-21T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const naive = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');

const record = (deviceid: string, eventTime: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    deviceid,
    model: 'EVG2000',
    interface: 'eth0',
    interfacestatus: 'connected',
    cpuusage: 12,
    memoryusage: 300,
    event_time: eventTime,
    ...extra,
  });

const object = (key: string, arrivalHourMs: number, lines: readonly string[]): RawObjectLines => ({
  key,
  arrivalHourMs,
  lines: lines.map((l) => Buffer.from(l)),
});

describe('curateHour', () => {
  it('keeps each valid record of the hour once, typed, from the first object by key', () => {
    const a = record('d1', iso(H + 1_000));
    const b = record('d2', naive(H + 2_000), { cpuusage: '7.5' });
    const rows = curateHour(
      [
        object('raw/x/2.gz', H, [a, b, '{"deviceid":', '[1]', record('d3', iso(H - 1))]),
        object('raw/x/1.gz', H, [a, '', record('d4', iso(H + HOUR_MS))]),
        object('raw/x/3.gz', H + HOUR_MS, [b, record('d5', iso(H + HOUR_MS - 1), { cpuusage: 101 })]),
      ],
      { eventHourMs: H },
    );
    expect(rows.map((r) => [r.deviceid, r.cpuusage, r.eventTimeMs, r.sourceObject])).toEqual([
      ['d1', 12, H + 1_000, 'raw/x/1.gz'],
      ['d2', 7.5, H + 2_000, 'raw/x/2.gz'],
    ]);
  });

  it('refuses an event_time further ahead of the arrival hour than the processor allows', () => {
    const early = record('d1', iso(H + 10 * 60_000));
    expect(curateHour([object('raw/a.gz', H - HOUR_MS, [early])], { eventHourMs: H })).toEqual([]);
    expect(curateHour([object('raw/a.gz', H, [early])], { eventHourMs: H })).toHaveLength(1);
  });

  it('gives the same rows whatever the objects order and however often a Firehose retry re-delivers', () => {
    const lines = fc.array(
      fc.record({
        device: fc.integer({ min: 1, max: 5 }),
        offsetMs: fc.integer({ min: -HOUR_MS, max: 2 * HOUR_MS }),
        cpu: fc.integer({ min: -5, max: 105 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(lines, fc.array(fc.nat(), { maxLength: 10 }), (items, picks) => {
        const values = items.map((i) => record(`d${i.device}`, iso(H + i.offsetMs), { cpuusage: i.cpu }));
        const objects = [object('raw/a.gz', H, values.slice(0, 15)), object('raw/b.gz', H, values.slice(15))];
        const clean = curateHour(objects, { eventHourMs: H });
        // A retry: whole objects again under new names, and repeated lines inside one.
        const repeated = picks.map((p) => values[p % Math.max(values.length, 1)] ?? '');
        const retried = [
          object('raw/c.gz', H + HOUR_MS, [...values, ...repeated]),
          ...objects.toReversed(),
          object('raw/0.gz', H, repeated),
        ];
        const strip = (rows: ReturnType<typeof curateHour>) => rows.map(({ sourceObject: _, ...r }) => r);
        expect(strip(curateHour(retried, { eventHourMs: H }))).toEqual(strip(clean));
        const distinct = new Set(
          values.filter((v) => {
            const d = decodeRecord(Buffer.from(v), null, { kafkaTimestampMs: H + HOUR_MS });
            return d.ok && hourStart(d.record.eventTimeMs) === H;
          }),
        );
        expect(clean).toHaveLength(distinct.size);
      }),
    );
  });
});

describe('outsideHour (the byte-level shortcut)', () => {
  const hostile = fc.oneof(
    fc.integer({ min: -2 * HOUR_MS, max: 2 * HOUR_MS }).map((d) => record('d', iso(H + d))),
    fc.integer({ min: -2 * HOUR_MS, max: 2 * HOUR_MS }).map((d) => record('d', naive(H + d))),
    // A zone offset moves the UTC hour away from the one written.
    fc
      .tuple(
        fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }),
        fc.constantFrom('+02:00', '-0130', '+00:00', 'z'),
      )
      .map(([d, zone]) => record('d', iso(H + d).replace('Z', zone))),
    // A later duplicate key wins in JSON.parse; a nested or escaped key is not the record's event_time.
    fc
      .tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.integer({ min: -HOUR_MS, max: HOUR_MS }))
      .map(([a, b]) => `${record('d', iso(H + a)).slice(0, -1)},"event_time":"${iso(H + b)}"}`),
    fc
      .tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.integer({ min: -HOUR_MS, max: HOUR_MS }))
      .map(([a, b]) => `${record('d', iso(H + a)).slice(0, -1)},"x":{"event_time":"${iso(H + b)}"}}`),
    fc
      .tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.integer({ min: -HOUR_MS, max: HOUR_MS }))
      .map(([a, b]) => `${record('d', iso(H + a)).slice(0, -1)},"event\\u005ftime":"${iso(H + b)}"}`),
    fc.tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.integer({ min: -HOUR_MS, max: HOUR_MS })).map(
      ([a, b]) =>
        `{"event_time":"${iso(H + a)}",${record('d', iso(H + b))
          .slice(1)
          .replace('"event_time":', '"event_time" : ')}`,
    ),
    fc.string().map((s) => record(s, iso(H))),
    fc.string({ unit: 'binary' }),
  );

  it('never skips a line the processor would accept into the hour', () => {
    fc.assert(
      fc.property(hostile, (line) => {
        const bytes = Buffer.from(line);
        const decoded = acceptLine(bytes, H);
        if (decoded.ok && hourStart(decoded.record.eventTimeMs) === H)
          expect(outsideHour(bytes, H)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('skips plain records of other hours', () => {
    expect(outsideHour(Buffer.from(record('d', iso(H + HOUR_MS))), H)).toBe(true);
    expect(outsideHour(Buffer.from(record('d', naive(H - 1))), H)).toBe(true);
    expect(outsideHour(Buffer.from(record('d', iso(H))), H)).toBe(false);
  });
});

describe('curateData (the shortcut over a whole object, no Buffer per line)', () => {
  const line = fc.oneof(
    fc.integer({ min: -2 * HOUR_MS, max: 2 * HOUR_MS }).map((d) => record(`d${d % 7}`, iso(H + d))),
    fc.integer({ min: -2 * HOUR_MS, max: 2 * HOUR_MS }).map((d) => record('d', naive(H + d))),
    fc
      .tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.constantFrom('+02:00', '-0130', 'z', ''))
      .map(([d, zone]) => record('d', iso(H + d).replace('Z', zone))),
    fc
      .tuple(fc.integer({ min: -HOUR_MS, max: HOUR_MS }), fc.integer({ min: -HOUR_MS, max: HOUR_MS }))
      .map(([a, b]) => `${record('d', iso(H + a)).slice(0, -1)},"x":{"event_time":"${iso(H + b)}"}}`),
    fc.constantFrom('', '{', '{"event_time":"', '"event_time":"2026-11-21T09:00:00Z"', '{"a":"\\"}'),
    fc.string({ unit: 'binary' }).filter((s) => !s.includes('\n')),
  );

  it('emits exactly what curateObject emits over the same lines, in the same order', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const data = Buffer.from(lines.join('\n'));
        const byLines: CuratedRow[] = [];
        const byData: CuratedRow[] = [];
        const options = { eventHourMs: H };
        curateObject(object('raw/a.gz', H, lines), new Set(), options, (r) => byLines.push(r));
        curateData({ key: 'raw/a.gz', arrivalHourMs: H, data }, new Set(), options, (r) => byData.push(r));
        expect(byData).toEqual(byLines);
      }),
      { numRuns: 1_000 },
    );
  });

  it('skips lines of other hours whatever follows them in the object', () => {
    const other = record('d', iso(H + HOUR_MS));
    const mine = record('d', iso(H + 5));
    const rows: CuratedRow[] = [];
    const data = Buffer.from([other, mine, other, `${other}\r`, mine].join('\n'));
    curateData({ key: 'raw/a.gz', arrivalHourMs: H, data }, new Set(), { eventHourMs: H }, (r) =>
      rows.push(r),
    );
    expect(rows.map((r) => r.eventTimeMs)).toEqual([H + 5]);
  });
});

describe('splitLines', () => {
  it('splits on \\n only and keeps a last line without one', () => {
    const lines = [...splitLines(Buffer.from('a\r\n\nb\nc'))].map(String);
    expect(lines).toEqual(['a\r', '', 'b', 'c']);
  });
});
