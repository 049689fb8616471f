import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '#core/dead-letter.ts';
import { deadLetterJson, MAX_DEAD_LETTER_LINE_BYTES } from '#core/dead-letter-line.ts';

const letter = (key: Buffer | null, value: Buffer): DeadLetter => ({
  id: '0123456789abcdef0123456789abcdef',
  topic: 'modem-telemetry',
  partition: 3,
  offset: 42,
  key: key === null ? null : key.toString('base64'),
  value: value.toString('base64'),
  reason: 'value too large',
  at: '2026-11-21T10:00:00.000Z',
});

describe('deadLetterJson', () => {
  it('leaves a line that fits as it is', () => {
    const small = letter(Buffer.from('k'), Buffer.from('{oops'));
    expect(JSON.parse(deadLetterJson(small))).toEqual(small);
  });

  it('cuts a huge key and a huge value below the limit, recording the original sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: null }),
        fc.integer({ min: 0, max: 2_000_000 }),
        (keyBytes, valueBytes) => {
          const original = letter(
            keyBytes === null ? null : Buffer.alloc(keyBytes, 7),
            Buffer.alloc(valueBytes, 9),
          );
          const line = deadLetterJson(original);
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_DEAD_LETTER_LINE_BYTES);
          const parsed = JSON.parse(line);
          const fits = Buffer.byteLength(JSON.stringify(original)) <= MAX_DEAD_LETTER_LINE_BYTES;
          if (fits) expect(parsed).toEqual(original);
          else {
            expect(parsed).toMatchObject({
              id: original.id,
              offset: 42,
              truncated: true,
              keyBytes: keyBytes ?? 0,
              valueBytes,
            });
            // What is kept is a decodable prefix of the original bytes.
            expect(
              Buffer.from(parsed.value, 'base64').equals(
                Buffer.alloc(Buffer.from(parsed.value, 'base64').length, 9),
              ),
            ).toBe(true);
            expect(original.value.startsWith(parsed.value)).toBe(true);
            if (keyBytes === null) expect(parsed.key).toBeNull();
            else expect(original.key?.startsWith(parsed.key)).toBe(true);
            expect(parsed.value.length % 4).toBe(0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps as much of the value as the room allows when the key is small', () => {
    const parsed = JSON.parse(deadLetterJson(letter(Buffer.from('dvc1'), Buffer.alloc(1_500_000, 1))));
    expect(parsed.key).toBe(Buffer.from('dvc1').toString('base64'));
    expect(parsed.value.length).toBeGreaterThan(MAX_DEAD_LETTER_LINE_BYTES - 1024);
  });
});
