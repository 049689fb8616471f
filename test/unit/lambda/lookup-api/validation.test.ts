import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#lambda/lookup-api/cursor.ts';
import {
  parseDeviceId,
  parseIsoTime,
  parseLimit,
  parseRuleId,
  parseToken,
} from '#lambda/lookup-api/validation.ts';

describe('parseIsoTime', () => {
  it.each([
    ['2026-11-21T10:15:30.123Z', Date.UTC(2026, 10, 21, 10, 15, 30, 123)],
    ['2026-11-21T10:15Z', Date.UTC(2026, 10, 21, 10, 15)],
    ['2026-11-21T10:15:30Z', Date.UTC(2026, 10, 21, 10, 15, 30)],
    ['2026-11-21T12:15:30+02:00', Date.UTC(2026, 10, 21, 10, 15, 30)],
    ['2026-11-21T12:15:30 02:00', Date.UTC(2026, 10, 21, 10, 15, 30)],
    ['2026-11-21T05:15:30-05:00', Date.UTC(2026, 10, 21, 10, 15, 30)],
    ['2026-11-21T10:15:30.123456789Z', Date.UTC(2026, 10, 21, 10, 15, 30, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (raw, expected) => {
    expect(parseIsoTime('t', raw)).toBe(expected);
  });

  it.each([
    '2026-11-21',
    '2026-11-21T10:15:30',
    '2026-11-21 10:15:30Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:00+25:00',
    '1700000000000',
    '',
  ])('rejects %j with the parameter name', (raw) => {
    expect(() => parseIsoTime('from', raw)).toThrow(/^from must be an ISO 8601 time with a zone/);
  });
});

describe('parseDeviceId / parseToken', () => {
  it('accepts ids the record contract accepts', () => {
    expect(parseDeviceId('dvc0001')).toBe('dvc0001');
    expect(parseDeviceId('модем 7/b')).toBe('модем 7/b');
    expect(parseDeviceId('x'.repeat(128))).toHaveLength(128);
  });

  it.each(['', 'x'.repeat(129), 'a\u0000b', 'tab\there', '\u200b'])('rejects %j', (raw) => {
    expect(() => parseDeviceId(raw)).toThrow('deviceId must be 1-128 printable characters');
  });

  it('caps tokens at the given length', () => {
    expect(() => parseToken('ruleId', 'r'.repeat(129), 128)).toThrow(
      'ruleId must be 1-128 printable characters',
    );
    expect(parseToken('status', 'down')).toBe('down');
  });
});

describe('parseRuleId', () => {
  it.each(['vip-modem-down', 'r1', 'a.b_c:d-e', 'r'.repeat(128)])('takes %j, as validateRule does', (raw) => {
    expect(parseRuleId(raw)).toBe(raw);
  });

  it.each(['', 'has space', '-leading', '.leading', 'r'.repeat(129), 'slash/in', 'ü'])(
    'rejects %j as a 400',
    (raw) => {
      expect(() => parseRuleId(raw)).toThrow(
        expect.objectContaining({
          statusCode: 400,
          message: 'ruleId must be 1-128 characters of A-Z a-z 0-9 . _ : - (starting alphanumeric)',
        }),
      );
    },
  );
});

describe('parseLimit', () => {
  it('defaults, accepts the range and rejects everything else', () => {
    expect(parseLimit(undefined)).toBe(25);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('100')).toBe(100);
    for (const raw of ['0', '101', '-1', '2.5', '1e2', '', ' 5', '0x10']) {
      expect(() => parseLimit(raw), raw).toThrow('limit must be an integer from 1 to 100');
    }
  });
});

describe('cursor', () => {
  const key = { pk: 'DEVICE#d/1 ü', sk: 'STATE', status: 'down', deviceId: 'd/1 ü' };
  const fields = ['pk', 'sk', 'status', 'deviceId'];

  it('round-trips a key as URL-safe text', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fields)).toEqual(key);
  });

  it('round-trips the longest keys the record contract allows (256 astral characters in a model)', () => {
    const model = '😀'.repeat(256);
    const deviceId = '😀'.repeat(128);
    const longest = { pk: `DEVICE#${deviceId}`, sk: 'STATE', model, deviceId };
    expect({ ...decodeCursor(encodeCursor(longest), ['pk', 'sk', 'model', 'deviceId']) }).toEqual(longest);
  });

  it.each([
    ['a value too long for any key of ours', encodeCursor({ ...key, pk: `DEVICE#${'x'.repeat(301)}` })],
    ['a control character', encodeCursor({ ...key, status: 'do\u0000wn' })],
    ['not base64url', '***'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['an array', encodeCursor(['pk'] as unknown as Record<string, string>)],
    ['missing attributes', encodeCursor({ pk: 'DEVICE#d', sk: 'STATE' })],
    ['extra attributes', encodeCursor({ ...key, more: 'x' })],
    ['a non-string value', Buffer.from(JSON.stringify({ ...key, sk: 1 })).toString('base64url')],
    ['too long', 'A'.repeat(4100)],
  ])('rejects %s as a 400', (_name, raw) => {
    expect(() => decodeCursor(raw, fields)).toThrow(expect.objectContaining({ statusCode: 400 }));
  });
});
