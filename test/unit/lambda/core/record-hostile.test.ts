/** Hostile records at the decoder: deep nesting, unpaired surrogates, prototype names, clock skew, huge values. */
import { describe, expect, it } from 'vitest';
import { decodeBatch } from '#core/dead-letter.ts';
import type { SourceRecord } from '#core/msk-event.ts';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS, decodeRecord } from '#core/record.ts';
import { SAMPLE_RECORD_FIELDS } from '#test/support/examples.ts';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const good = { ...SAMPLE_RECORD_FIELDS, event_time: '2026-11-21T09:59:00Z' };
const encode = (doc: unknown) => Buffer.from(JSON.stringify(doc));
/** The good record with one field's JSON text replaced verbatim. */
const withRawField = (field: string, rawJson: string) =>
  Buffer.from(JSON.stringify({ ...good, [field]: 'RAW' }).replace('"RAW"', rawJson));
const reasonOf = (value: Buffer, kafkaTimestampMs?: number, maxEventTimeSkewMs?: number) => {
  const result = decodeRecord(value, null, { kafkaTimestampMs, maxEventTimeSkewMs });
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
};
const source = (
  offset: number,
  value: Buffer,
  key: Buffer | null = null,
  timestampMs = NOW,
): SourceRecord => ({
  topic: 'modem-telemetry',
  partition: 1,
  offset,
  timestampMs,
  key,
  value,
});

describe('decodeRecord: bad values are described in bounded time and size', () => {
  it.each(['cpuusage', 'memoryusage', 'deviceid', 'model', 'event_time'])(
    'rejects 30,000 nested arrays in %s with a short reason (no stack overflow)',
    (field) => {
      const reason = reasonOf(withRawField(field, `${'['.repeat(30_000)}${']'.repeat(30_000)}`));
      expect(reason).toMatch(new RegExp(`^${field}`));
      expect(reason.length).toBeLessThan(100);
    },
  );

  it('quotes at most 40 characters of a long bad string, well-formed even when the cut splits a pair', () => {
    const reason = reasonOf(encode({ ...good, cpuusage: `${'x'.repeat(36)}😀${'y'.repeat(60_000)}` }));
    expect(reason).toBe(`cpuusage not numeric: "${'x'.repeat(36)}\uFFFD..."`);
  });
});

describe('decodeRecord: unpaired surrogates', () => {
  it.each(['deviceid', 'model', 'interface', 'interfacestatus', 'event_time'])(
    'dead-letters an unpaired surrogate in %s (DynamoDB refuses such strings)',
    (field) => {
      expect(reasonOf(withRawField(field, '"ab\\udc00"'))).toMatch(
        /unpaired surrogate|non-printable|unparseable/,
      );
    },
  );

  it('accepts a paired surrogate (an emoji) in a text field', () => {
    expect(decodeRecord(encode({ ...good, model: 'EVG😀' })).ok).toBe(true);
  });
});

describe('decodeRecord: prototype names are ordinary values', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'accepts %s everywhere',
    (name) => {
      const result = decodeRecord(
        encode({ ...good, deviceid: name, model: name, interface: name, interfacestatus: name }),
      );
      expect(result.ok && result.record).toMatchObject({
        deviceId: name,
        model: name,
        interface: name,
        status: name,
      });
    },
  );

  it('ignores an own "__proto__" member of the record', () => {
    const result = decodeRecord(Buffer.from(`{"__proto__":{"cpuusage":1},${JSON.stringify(good).slice(1)}`));
    expect(result.ok && result.record.cpuUsage).toBe(73);
  });
});

describe('decodeRecord: clock-skew rule (against the Kafka timestamp)', () => {
  const at = (ms: number) => encode({ ...good, event_time: new Date(ms).toISOString() });

  it('accepts an event_time up to the margin (default 5 minutes) ahead, refuses one beyond it', () => {
    expect(DEFAULT_MAX_EVENT_TIME_SKEW_MS).toBe(300_000);
    expect(decodeRecord(at(NOW + 300_000), null, { kafkaTimestampMs: NOW }).ok).toBe(true);
    expect(reasonOf(at(NOW + 300_001), NOW)).toBe('event_time in the future');
    expect(reasonOf(encode({ ...good, event_time: '2099-01-01T00:00:00Z' }), NOW)).toBe(
      'event_time in the future',
    );
  });

  it('takes the margin from the options', () => {
    expect(reasonOf(at(NOW + 1_001), NOW, 1_000)).toBe('event_time in the future');
    expect(decodeRecord(at(NOW + 1_000), null, { kafkaTimestampMs: NOW, maxEventTimeSkewMs: 1_000 }).ok).toBe(
      true,
    );
  });

  it("has no reference without a Kafka timestamp (absent, or Kafka's -1): the rule is not applied", () => {
    for (const kafkaTimestampMs of [undefined, -1, Number.NaN])
      expect(decodeRecord(at(NOW + 3_600_000), null, { kafkaTimestampMs }).ok).toBe(true);
    expect(reasonOf(at(300_001), 0)).toBe('event_time in the future'); // 0 is an instant (1970), not "none"
  });

  it('decodeBatch judges each record by its own Kafka timestamp, whatever the batch clock says', () => {
    const batch = [
      source(0, at(NOW + 60_000)),
      source(1, at(NOW + 3_600_000)),
      source(2, at(NOW + 3_600_000), null, NOW + 3_500_000),
    ];
    for (const clock of [NOW - 86_400_000, NOW, NOW + 86_400_000]) {
      const { valid, invalid } = decodeBatch(batch, clock, { maxEventTimeSkewMs: 120_000 });
      expect(valid.map((r) => r.offset)).toEqual([0, 2]);
      expect(invalid).toEqual([expect.objectContaining({ offset: 1, reason: 'event_time in the future' })]);
    }
  });
});

describe('decodeBatch: one record never fails its batch', () => {
  it('dead-letters a record whose decoding throws, and decodes the others', () => {
    const throwing = Buffer.from('{}');
    Object.defineProperty(throwing, 'byteLength', {
      get() {
        throw new RangeError('boom');
      },
    });
    const { valid, invalid } = decodeBatch(
      [source(0, encode(good)), source(1, throwing), source(2, encode(good))],
      NOW,
    );
    expect(valid.map((r) => r.offset)).toEqual([0, 2]);
    expect(invalid).toEqual([expect.objectContaining({ offset: 1, reason: 'undecodable: boom' })]);
  });

  it('gives each dead-letter a stable id: the same on a retry, another for other bytes or positions', () => {
    const bad = Buffer.from('nope');
    const [first] = decodeBatch([source(7, bad, Buffer.from('k'))], NOW).invalid;
    const [retry] = decodeBatch([source(7, bad, Buffer.from('k'))], NOW + 60_000).invalid;
    const [moved] = decodeBatch([source(8, bad, Buffer.from('k'))], NOW).invalid;
    const [other] = decodeBatch([source(7, Buffer.from('nope!'), Buffer.from('k'))], NOW).invalid;
    const [noKey] = decodeBatch([source(7, bad)], NOW).invalid;
    expect(first?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(retry?.id).toBe(first?.id);
    expect(new Set([first?.id, moved?.id, other?.id, noKey?.id]).size).toBe(4);
  });
});
