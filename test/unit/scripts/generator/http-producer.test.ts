import { describe, expect, it } from 'vitest';
import { INGEST_MAX_BYTES, INGEST_MAX_RECORDS } from '#core/contract/index.ts';
import { httpProducer, ingestBodies, ingestUrl } from '#scripts/generator/http-producer.ts';

describe('the generator over HTTP', () => {
  it('posts to /ingest of a base URL or of the full URL', () => {
    expect(ingestUrl('http://127.0.0.1:3000').href).toBe('http://127.0.0.1:3000/ingest');
    expect(ingestUrl('https://a1.execute-api.eu-west-1.amazonaws.com/v1/').href).toBe(
      'https://a1.execute-api.eu-west-1.amazonaws.com/v1/ingest',
    );
    expect(ingestUrl('http://127.0.0.1:3000/ingest').href).toBe('http://127.0.0.1:3000/ingest');
    expect(() => ingestUrl('not a url')).toThrow(/not a URL/);
  });

  it('splits a send into NDJSON bodies within the route bounds, keeping every record once and in order', () => {
    const small = Array.from({ length: INGEST_MAX_RECORDS * 2 + 3 }, (_, i) => ({ value: `{"i":${i}}` }));
    const bodies = ingestBodies(small);
    expect(bodies.map((b) => b.split('\n').length)).toEqual([INGEST_MAX_RECORDS, INGEST_MAX_RECORDS, 3]);
    expect(bodies.join('\n')).toBe(small.map((m) => m.value).join('\n'));
    const big = Array.from({ length: 40 }, () => ({ value: Buffer.from(`{"p":"${'x'.repeat(60_000)}"}`) }));
    for (const body of ingestBodies(big))
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(INGEST_MAX_BYTES);
  });

  it('signs only non-loopback URLs, and needs a region for them', () => {
    expect(() => httpProducer({ url: ingestUrl('http://127.0.0.1:3000') })).not.toThrow();
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => httpProducer({ url: ingestUrl('https://ingest.example.com') })).toThrow(/needs --region/);
      expect(() =>
        httpProducer({ url: ingestUrl('https://a1.execute-api.eu-west-1.amazonaws.com/v1') }),
      ).not.toThrow();
    } finally {
      if (region !== undefined) process.env.AWS_REGION = region;
    }
  });
});
