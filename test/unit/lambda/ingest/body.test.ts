import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INGEST_MAX_BYTES, INGEST_MAX_RECORDS } from '#core/contract/index.ts';
import { parseIngestBody } from '#lambda/ingest/body.ts';

const record = (deviceid: unknown, extra = '') =>
  `{"deviceid":${JSON.stringify(deviceid)},"cpuusage":7${extra}}`;

describe('parseIngestBody', () => {
  it('splits a JSON array into the exact element texts, keyed by deviceid', () => {
    const a = '{ "deviceid" : "d1", "cpuusage": 1.0, "x": "a,]}\\"[{" }';
    const b = '{"deviceid":"d2","nested":{"k":[1,{"m":2}]}}';
    const parsed = parseIngestBody(`  [ ${a} ,\n${b}]  `);
    expect(parsed).toEqual({
      ok: true,
      records: [
        { value: a, key: 'd1' },
        { value: b, key: 'd2' },
      ],
    });
  });

  it('reads NDJSON line by line, ignoring blank lines and CRLF, keyless when deviceid is not a string', () => {
    const parsed = parseIngestBody(`${record('d1')}\r\n\n${record(42)}\n{"model":"x"}\n`);
    expect(parsed.ok && parsed.records.map((r) => [r.value, r.key])).toEqual([
      [record('d1'), 'd1'],
      [record(42), null],
      ['{"model":"x"}', null],
    ]);
  });

  it.each([
    ['', /empty body/],
    ['[]', /no records/],
    ['[1, 2]', /record 1 is not a JSON object/],
    ['[{"a":1},]', /record 2 is not valid JSON/],
    ['[{"a":1}', /unterminated array/],
    ['[{"a":"1}]', /unterminated string/],
    ['[{"a":1}] x', /text after the closing/],
    ['[{"a":1}]]', /text after the closing/],
    ['{"a":1}\nnot json', /line 2 is not valid JSON/],
    ['"just a string"', /line 1 is not a JSON object/],
    ['{"a":1}\n[{"b":2}]', /line 2 is not a JSON object/],
  ])('refuses %j with a 400 and a reason', (body, reason) => {
    const parsed = parseIngestBody(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.status).toBe(400);
      expect(parsed.reason).toMatch(reason);
    }
  });

  it('answers 413 above the record and byte bounds, and accepts exactly the bounds', () => {
    const batch = (n: number) => `[${Array.from({ length: n }, (_, i) => record(`d${i}`)).join(',')}]`;
    expect(parseIngestBody(batch(INGEST_MAX_RECORDS)).ok).toBe(true);
    expect(parseIngestBody(batch(INGEST_MAX_RECORDS + 1))).toMatchObject({ ok: false, status: 413 });
    const ndjson = Array.from({ length: INGEST_MAX_RECORDS + 1 }, () => record('d')).join('\n');
    expect(parseIngestBody(ndjson)).toMatchObject({ ok: false, status: 413 });
    const big = record('d', `,"pad":"${'x'.repeat(INGEST_MAX_BYTES)}"`);
    expect(parseIngestBody(big)).toMatchObject({ ok: false, status: 413 });
  });

  it('round-trips any batch of JSON objects exactly, as array or NDJSON (property)', () => {
    const objects = fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(objects, fc.boolean(), (list, asArray) => {
        const texts = list.map((o) => JSON.stringify(o));
        const body = asArray ? `[${texts.join(',')}]` : texts.join('\n');
        const parsed = parseIngestBody(body);
        expect(parsed.ok && parsed.records.map((r) => r.value)).toEqual(texts);
      }),
    );
  });

  it('never throws and refuses anything that is not a batch of objects (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (body) => {
        const parsed = parseIngestBody(body);
        if (parsed.ok)
          for (const r of parsed.records) {
            const value: unknown = JSON.parse(r.value);
            expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
          }
      }),
      { numRuns: 2000 },
    );
  });
});
