import { describe, expect, it } from 'vitest';
import { decodeRecord, MAX_VALUE_BYTES, parseEventTime } from '#core/record.ts';
import { SAMPLE_RECORD_FIELDS } from '#test/support/examples.ts';

const good = { ...SAMPLE_RECORD_FIELDS, event_time: '2026-11-21T10:15:30.123Z' };
const encode = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const reasonFor = (value: Buffer) => {
  const result = decodeRecord(value);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
};

describe('decodeRecord: valid records', () => {
  it('decodes the contract record', () => {
    expect(decodeRecord(encode(good))).toEqual({
      ok: true,
      record: {
        deviceId: 'dvc1234',
        model: 'EVG2000',
        interface: 'eth4.1',
        status: 'connected',
        cpuUsage: 73,
        memoryUsage: 1234,
        eventTime: '2026-11-21T10:15:30.123Z',
        eventTimeMs: Date.parse('2026-11-21T10:15:30.123Z'),
      },
    });
  });

  it("accepts the blog producer's format: numeric strings, naive UTC time, no key", () => {
    const result = decodeRecord(
      encode({ ...good, cpuusage: '12.5', memoryusage: ' 2048 ', event_time: '2026-11-21 10:15:30' }),
      null,
    );
    expect(result.ok && result.record).toMatchObject({
      cpuUsage: 12.5,
      memoryUsage: 2048,
      eventTime: '2026-11-21T10:15:30.000Z',
    });
  });

  it('takes the device id from the value even when the key differs', () => {
    const result = decodeRecord(encode(good), Buffer.from('someone-else'));
    expect(result.ok && result.record.deviceId).toBe('dvc1234');
  });

  it('ignores unknown extra fields', () => {
    expect(decodeRecord(encode({ ...good, firmware: '1.2', pad: 'x'.repeat(100) })).ok).toBe(true);
  });

  it('normalises zoned times to UTC and keeps the range ends', () => {
    expect(parseEventTime('2026-11-21T11:15:30+01:00')).toBe(Date.parse('2026-11-21T10:15:30Z'));
    expect(parseEventTime('2026-11-21T10:15:30.123456-0230')).toBe(Date.parse('2026-11-21T12:45:30.123Z'));
    expect(parseEventTime('2024-02-29 00:00:00')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(decodeRecord(encode({ ...good, cpuusage: 0, memoryusage: 1_048_576 })).ok).toBe(true);
    expect(decodeRecord(encode({ ...good, cpuusage: 100, memoryusage: 0 })).ok).toBe(true);
  });
});

describe('decodeRecord: every invalid class gets a specific reason', () => {
  it.each([
    ['not JSON', Buffer.from('{"deviceid":'), /^not JSON/],
    ['bad UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /^not valid UTF-8$/],
    ['not an object (array)', encode([good]), /^not a JSON object: got array$/],
    ['not an object (string)', encode('hello'), /^not a JSON object: got string$/],
    ['not an object (null)', Buffer.from('null'), /^not a JSON object: got null$/],
    ['empty value', Buffer.alloc(0), /^empty value$/],
    ['missing deviceid', encode({ ...good, deviceid: undefined }), /^missing deviceid$/],
    ['numeric deviceid', encode({ ...good, deviceid: 42 }), /^deviceid must be a string, got number$/],
    ['empty deviceid', encode({ ...good, deviceid: '' }), /^deviceid length must be 1-128: 0$/],
    ['long deviceid', encode({ ...good, deviceid: 'd'.repeat(129) }), /^deviceid length must be 1-128: 129$/],
    ['control char in deviceid', encode({ ...good, deviceid: 'dvc\n1' }), /^deviceid has non-printable/],
    ['missing model', encode({ ...good, model: undefined }), /^missing model$/],
    ['empty status', encode({ ...good, interfacestatus: '' }), /^interfacestatus is empty$/],
    ['ill-typed interface', encode({ ...good, interface: 4 }), /^interface must be a string, got number$/],
    ['non-numeric cpu', encode({ ...good, cpuusage: 'high' }), /^cpuusage not numeric: "high"$/],
    ['boolean cpu', encode({ ...good, cpuusage: true }), /^cpuusage not numeric: true$/],
    ['hex string cpu', encode({ ...good, cpuusage: '0x10' }), /^cpuusage not numeric/],
    ['negative cpu', encode({ ...good, cpuusage: -1 }), /^cpuusage out of range 0-100: -1$/],
    ['absurd cpu', encode({ ...good, cpuusage: 140 }), /^cpuusage out of range 0-100: 140$/],
    ['absurd memory', encode({ ...good, memoryusage: '99999999' }), /^memoryusage out of range 0-1048576/],
    ['negative memory', encode({ ...good, memoryusage: -5 }), /^memoryusage out of range/],
    ['missing memory', encode({ ...good, memoryusage: undefined }), /^missing memoryusage$/],
    [
      'unparseable time',
      encode({ ...good, event_time: 'yesterday' }),
      /^event_time unparseable: "yesterday"$/,
    ],
    ['time without zone', encode({ ...good, event_time: '2026-11-21T10:15:30' }), /^event_time unparseable/],
    ['impossible date', encode({ ...good, event_time: '2026-02-30 10:00:00' }), /^event_time unparseable/],
    [
      'numeric time',
      encode({ ...good, event_time: 1_700_000_000 }),
      /^event_time must be a string, got number$/,
    ],
    ['time before 1970', encode({ ...good, event_time: '1969-12-31T23:59:59Z' }), /^event_time out of range/],
  ])('%s', (_name, value, reason) => {
    expect(reasonFor(value)).toMatch(reason);
  });

  it('rejects a value over 64 KiB before parsing it', () => {
    const oversized = encode({ ...good, pad: 'x'.repeat(MAX_VALUE_BYTES) });
    expect(reasonFor(oversized)).toBe(`value too large: ${oversized.byteLength} bytes > 65536`);
  });

  it('accepts exactly 64 KiB', () => {
    const base = JSON.stringify({ ...good, pad: '' });
    const exact = encode({ ...good, pad: 'x'.repeat(MAX_VALUE_BYTES - Buffer.byteLength(base)) });
    expect(exact.byteLength).toBe(MAX_VALUE_BYTES);
    expect(decodeRecord(exact).ok).toBe(true);
  });

  it('keeps echoed values short', () => {
    expect(reasonFor(encode({ ...good, cpuusage: 'y'.repeat(500) })).length).toBeLessThan(80);
  });
});
