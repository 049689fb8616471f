import { describe, expect, it } from 'vitest';
import { MskEventError, parseMskEvent } from '#core/msk-event.ts';
import { toMskEvent } from '#test/support/msk-event.ts';

const record = (topic: string, partition: number, offset: number, extra: Record<string, unknown> = {}) => ({
  topic,
  partition,
  offset,
  timestamp: 1_700_000_000_000 + offset,
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`k${offset}`).toString('base64'),
  value: Buffer.from(`v${offset}`).toString('base64'),
  headers: [],
  ...extra,
});

describe('parseMskEvent', () => {
  it('reads every partition group (not just partition 0), ordered by topic, partition, offset', () => {
    const event = {
      eventSource: 'aws:kafka',
      records: {
        'modem-telemetry-5': [record('modem-telemetry', 5, 11), record('modem-telemetry', 5, 10)],
        'modem-telemetry-0': [record('modem-telemetry', 0, 3)],
        'a-topic-2': [record('a-topic', 2, 7)],
      },
    };
    const parsed = parseMskEvent(event);
    expect(parsed.map((r) => [r.topic, r.partition, r.offset])).toEqual([
      ['a-topic', 2, 7],
      ['modem-telemetry', 0, 3],
      ['modem-telemetry', 5, 10],
      ['modem-telemetry', 5, 11],
    ]);
    expect(parsed[1]).toMatchObject({
      timestampMs: 1_700_000_000_003,
      key: Buffer.from('k3'),
      value: Buffer.from('v3'),
    });
  });

  it('gives a null key when the producer sent none, and an empty value for a null value', () => {
    const [parsed] = parseMskEvent({
      records: { 't-0': [record('t', 0, 1, { key: undefined, value: undefined })] },
    });
    expect(parsed?.key).toBeNull();
    expect(parsed?.value.byteLength).toBe(0);
  });

  it('round-trips toMskEvent', () => {
    const input = [
      { topic: 't', partition: 3, offset: 9, timestampMs: 5, key: null, value: Buffer.from('{}') },
      { topic: 't', partition: 1, offset: 2, timestampMs: 6, key: Buffer.from('k'), value: Buffer.from('x') },
    ];
    expect(parseMskEvent(toMskEvent(input))).toEqual([input[1], input[0]]);
  });

  it.each([
    ['not an object', 'nope', /event is not an object/],
    ['records missing', {}, /event.records is not an object/],
    ['group not an array', { records: { 't-0': {} } }, /is not an array/],
    ['record not an object', { records: { 't-0': [3] } }, /is not an object/],
    ['negative offset', { records: { 't-0': [record('t', 0, -1)] } }, /offset is not a non-negative integer/],
    ['partition as string', { records: { 't-0': [record('t', 0, 1, { partition: '0' })] } }, /partition/],
    ['timestamp missing', { records: { 't-0': [record('t', 0, 1, { timestamp: undefined })] } }, /timestamp/],
    ['misfiled record', { records: { 't-1': [record('t', 0, 1)] } }, /filed under "t-1"/],
    [
      'value not base64',
      { records: { 't-0': [record('t', 0, 1, { value: 'not base64!' })] } },
      /value is not base64/,
    ],
  ])('rejects a malformed event shape: %s', (_name, event, message) => {
    expect(() => parseMskEvent(event)).toThrow(MskEventError);
    expect(() => parseMskEvent(event)).toThrow(message);
  });
});
