import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bool,
  Checker,
  defaultsOf,
  int,
  oneOf,
  parseSection,
  referenceRows,
  section,
  text,
} from '#lib/config/schema.ts';
import { PROFILES } from '#lib/profiles.ts';

// A section as a feature would add it (lib/config/<name>.ts), folded into a table with one line.
const FEATURE = section({
  enabled: bool({ default: false, doc: 'Turn it on' }),
  rate: int({ min: 1, max: 500, default: 10, doc: 'Per second' }),
  mode: oneOf({ values: ['a', 'b'], default: 'a', doc: 'Mode' }),
  name: text({ pattern: /^[a-z]+$/, what: 'lower-case letters', default: 'x', doc: 'Name' }),
});
const TABLE = {
  memoryMb: int({ min: 128, max: 10_240, default: { profile: 'memoryMb' }, doc: 'MB' }),
  feature: FEATURE,
};

const parse = (raw: unknown) => {
  const c = new Checker();
  return { value: parseSection(c, TABLE, raw, 'root'), errors: c.errors };
};

describe('declarative settings (lib/config/schema.ts)', () => {
  it('parses, defaults and documents a folded-in section from its one entry', () => {
    expect(defaultsOf(TABLE, PROFILES.balanced)).toEqual({
      memoryMb: 1024,
      feature: { enabled: false, rate: 10, mode: 'a', name: 'x' },
    });
    expect(parse({ feature: { rate: 20, mode: 'b' } }).value.feature).toEqual({
      enabled: false,
      rate: 20,
      mode: 'b',
      name: 'x',
    });
    expect(referenceRows(TABLE, PROFILES.balanced)).toEqual([
      '| `memoryMb` | 1,024 (*profile*) | 128–10,240 | MB |',
      '| `feature.enabled` | false | true, false | Turn it on |',
      '| `feature.rate` | 10 | 1–500 | Per second |',
      '| `feature.mode` | `a` | `a`, `b` | Mode |',
      '| `feature.name` | `x` | lower-case letters | Name |',
    ]);
  });

  it('accepts an int exactly when it is an integer within the range, else names the range and keeps the default', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -10, max: 600 }), fc.double(), fc.string(), fc.boolean()),
        (rate) => {
          const { value, errors } = parse({ feature: { rate } });
          const valid = typeof rate === 'number' && Number.isInteger(rate) && rate >= 1 && rate <= 500;
          expect(value.feature.rate).toBe(valid ? rate : 10);
          expect(errors).toEqual(
            valid ? [] : [`root.feature.rate must be an integer from 1 to 500, got ${JSON.stringify(rate)}`],
          );
        },
      ),
    );
  });

  it('rejects values of the wrong kind with the setting’s own words', () => {
    expect(parse({ feature: { enabled: 'yes', mode: 'c', name: 'X1', extra: 1 } }).errors).toEqual([
      'root.feature.extra is not a known setting (known: enabled, rate, mode, name)',
      'root.feature.enabled must be true or false, got "yes"',
      'root.feature.mode must be one of a, b, got "c"',
      'root.feature.name must be lower-case letters, got "X1"',
    ]);
  });
});
