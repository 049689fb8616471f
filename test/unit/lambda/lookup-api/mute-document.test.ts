import { describe, expect, it } from 'vitest';
import { HttpError } from '#lambda/lookup-api/http.ts';
import { parseAckDocument, parseMuteDocument } from '#lambda/lookup-api/mute-document.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const reason = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError && error.statusCode === 400) return error.message;
    throw error;
  }
  throw new Error('accepted');
};

describe('parseMuteDocument', () => {
  it('reads a device or a model mute, until in canonical UTC', () => {
    expect(
      parseMuteDocument('m', JSON.stringify({ deviceId: 'd1', until: '2026-11-21T14:00:00+01:00' }), NOW),
    ).toEqual({ target: { deviceId: 'd1' }, until: '2026-11-21T13:00:00.000Z' });
    expect(
      parseMuteDocument(
        'm',
        JSON.stringify({ muteId: 'm', model: 'EVG2000', until: '2026-11-22T00:00:00Z', comment: 'x' }),
        NOW,
      ),
    ).toEqual({ target: { model: 'EVG2000' }, until: '2026-11-22T00:00:00.000Z', comment: 'x' });
  });

  it.each([
    [null, /body must be a mute/],
    ['[]', /JSON object/],
    ['{', /not valid JSON/],
    [JSON.stringify({ until: '2026-11-22T00:00:00Z' }), /exactly one of deviceId and model/],
    [JSON.stringify({ deviceId: 'd', model: 'm', until: '2026-11-22T00:00:00Z' }), /exactly one/],
    [JSON.stringify({ deviceId: 'd', until: '2026-11-21T12:00:00Z' }), /in the future/],
    [JSON.stringify({ deviceId: 'd', until: '2027-12-01T00:00:00Z' }), /at most 366 days/],
    [JSON.stringify({ deviceId: 'd', until: 'tomorrow' }), /ISO 8601/],
    [JSON.stringify({ deviceId: 'd', until: '2026-11-22T00:00:00Z', x: 1 }), /unknown field "x"/],
    [JSON.stringify({ deviceId: 'd', until: '2026-11-22T00:00:00Z', muteId: 'other' }), /does not match/],
    [JSON.stringify({ deviceId: 'd', until: '2026-11-22T00:00:00Z', comment: '' }), /comment/],
    [JSON.stringify({ model: 7, until: '2026-11-22T00:00:00Z' }), /model must be a string/],
    [`{"deviceId":"d","until":"2026-11-22T00:00:00Z","comment":"${'y'.repeat(5000)}"}`, /larger than 4 KiB/],
  ])('refuses %s', (body, expected) => {
    expect(reason(() => parseMuteDocument('m', body, NOW))).toMatch(expected);
  });
});

describe('parseAckDocument', () => {
  it('takes no body, an empty object, or a comment', () => {
    expect(parseAckDocument(null)).toEqual({});
    expect(parseAckDocument('{}')).toEqual({});
    expect(parseAckDocument('{"comment":"on it"}')).toEqual({ comment: 'on it' });
    expect(reason(() => parseAckDocument('{"by":"me"}'))).toMatch(/unknown field "by"/);
    expect(reason(() => parseAckDocument('{"comment":"a\\u0007"}'))).toMatch(/printable/);
  });
});
