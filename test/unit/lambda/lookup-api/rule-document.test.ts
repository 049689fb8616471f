import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '#lambda/lookup-api/http.ts';
import { describeValue, parseRuleDocument, RULE_LIMITS } from '#lambda/lookup-api/rule-document.ts';

const rule = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    when: { field: 'cpuusage', op: '>', value: 90 },
    severity: 'warning',
    ...overrides,
  });

// DynamoDB numbers: 0, or magnitude 1e-130..<1e126 with at most 38 significant digits.
const numbersDynamoDbStores = (attribute: unknown): boolean => {
  if (typeof attribute !== 'object' || attribute === null) return true;
  for (const [type, value] of Object.entries(attribute)) {
    if (type === 'N') {
      const n = Math.abs(Number(value));
      const digits = String(value)
        .replace(/e.*$/, '')
        .replace(/[^0-9]/g, '')
        .replace(/^0+/, '');
      if (n !== 0 && (n < 1e-130 || n >= 1e126 || digits.length > 38)) return false;
    } else if (!numbersDynamoDbStores(value)) return false;
  }
  return true;
};

const reason = (body: string | null, ruleId = 'r1'): string => {
  try {
    parseRuleDocument(ruleId, body);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error('expected a 400');
};

// What the rules table's PutItem marshals: lib-dynamodb refuses unsafe integers and non-finite numbers here.
const storable = (value: unknown) => marshall(value, { removeUndefinedValues: true });

describe('parseRuleDocument', () => {
  it('accepts a rule at the contract bounds and fills in the ruleId', () => {
    const parsed = parseRuleDocument(
      'vip.down',
      rule({
        when: { field: 'memoryusage', op: '>=', value: 1_048_576 },
        description: 'd'.repeat(RULE_LIMITS.maxDescriptionChars),
        models: Array.from({ length: RULE_LIMITS.maxModels }, (_, i) => `m${i}`),
        registry: { tier: 'platinum', 'customer.id': 'x'.repeat(RULE_LIMITS.maxTextChars) },
      }),
    );
    expect(parsed).toMatchObject({ ruleId: 'vip.down', when: { value: 1_048_576 }, enabled: true });
    expect(() => storable(parsed)).not.toThrow();
  });

  it('accepts prototype member names as values (a model may be called "constructor")', () => {
    const parsed = parseRuleDocument(
      'r1',
      rule({
        when: { field: 'interfacestatus', op: '==', value: '__proto__' },
        models: ['constructor', 'toString'],
        registry: { tier: 'hasOwnProperty', constructorId: 'toString' },
      }),
    );
    expect(parsed.models).toEqual(['constructor', 'toString']);
    expect(parsed.when).toMatchObject({ value: '__proto__' });
  });

  it.each([
    [1e16, 'cpuusage'],
    [101, 'cpuusage'],
    [-1, 'cpuusage'],
    [1e-200, 'cpuusage'],
    [0.1234567, 'cpuusage'],
    [1_048_577, 'memoryusage'],
  ])('refuses when.value %s for %s (outside the record contract)', (value, field) => {
    expect(reason(rule({ when: { field, op: '>', value } }))).toMatch(
      new RegExp(`^invalid rule: when.value for ${field} must be a number from 0 to`),
    );
  });

  it.each([
    ['a deep document', `{"when":${'['.repeat(5000)}${']'.repeat(5000)}}`, /nested deeper than 4 levels/],
    ['an oversized document', rule({ description: 'x'.repeat(20_000) }), /larger than 16 KiB/],
    [
      'an unpaired surrogate',
      '{"when":{"field":"interfacestatus","op":"==","value":"\\ud800"},"severity":"info"}',
      /not valid Unicode/,
    ],
    ['a long description', rule({ description: 'x'.repeat(1025) }), /description must be at most 1024/],
    ['too many models', rule({ models: Array.from({ length: 51 }, (_, i) => `m${i}`) }), /at most 50 models/],
    ['a control character in a model', rule({ models: ['a\u0007b'] }), /each model must be 1-256 printable/],
    ['a long model', rule({ models: ['m'.repeat(257)] }), /each model must be 1-256 printable/],
    [
      'too many registry attributes',
      rule({ registry: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, 'v'])) }),
      /at most 16 attributes/,
    ],
    ['a __proto__ registry attribute', '{"registry":{"__proto__":"x"}}', /registry attribute names must be/],
    [
      'a constructor registry attribute (the SDK cannot marshal it)',
      rule({ registry: { constructor: 'x' } }),
      /registry attribute names must be/,
    ],
    [
      'a __proto__ field',
      '{"__proto__":{"x":1},"when":{"field":"cpuusage","op":">","value":1},"severity":"info"}',
      /unknown field "__proto__"/,
    ],
    [
      'a long interfacestatus value',
      rule({ when: { field: 'interfacestatus', op: '==', value: 's'.repeat(257) } }),
      /when.value must be 1-256/,
    ],
    [
      'an object ruleId with its own toString',
      '{"ruleId":{"toString":1}}',
      /ruleId in the body \(an object\) does not match/,
    ],
    [
      'a nested-array ruleId',
      `{"ruleId":${'['.repeat(3)}1${']'.repeat(3)}}`,
      /ruleId in the body \(an array\)/,
    ],
  ])('refuses %s with a reason', (_name, body, expected) => {
    expect(reason(body)).toMatch(expected);
  });

  it('describes client values briefly, whatever they are', () => {
    expect(describeValue('x'.repeat(1000))).toHaveLength(67);
    expect(describeValue({ toString: 1 })).toBe('an object');
    expect(describeValue('a\u0000b')).toBe('"ab"');
  });

  // The invariant: whatever a client sends, the answer is a rule DynamoDB can store, or a 400; never another throw.
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<unknown>(null, true, 1e16, -0, 1e-200, 2 ** 53, 100.5, 90),
      fc.double(),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'interfacestatus', 'cpuusage', '>', 'info'),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'field', 'op', 'value', 'x'), tie('value'), {
        maxKeys: 4,
      }),
    ),
  })).value;
  // Mostly valid, sometimes hostile: so that both the accepted and the refused paths are well exercised.
  const mostly = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: json, weight: 1 });
  const hostileNumber = fc.oneof(
    fc.double(),
    fc.constantFrom(1e16, 2 ** 53, 1e-200, 5e-324, 100.0000001, 0.1234567, -0, 100, 1_048_576, 1_048_577),
    fc.integer({ min: -10, max: 1_100_000 }),
  );
  const text = (maxLength: number) =>
    fc.oneof(
      fc.string({ unit: 'binary', maxLength }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'down'),
    );
  const ruleShaped = fc.record(
    {
      ruleId: mostly(fc.constant('r1')),
      description: mostly(fc.string({ maxLength: 1100 })),
      when: mostly(
        fc.oneof(
          fc.record({
            field: fc.constantFrom('cpuusage', 'memoryusage'),
            op: fc.constantFrom('>', '>=', '<', '<=', '==', '!='),
            value: mostly(hostileNumber),
          }),
          fc.record({
            field: fc.constantFrom('interfacestatus', 'constructor'),
            op: fc.constantFrom('==', '!=', '__proto__'),
            value: mostly(text(300)),
          }),
        ),
      ),
      models: mostly(
        fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), text(260)), {
          minLength: 1,
          maxLength: 55,
        }),
      ),
      registry: mostly(
        fc.dictionary(fc.oneof(fc.stringMatching(/^[A-Za-z][a-z0-9_]{0,70}$/), text(10)), text(260), {
          minKeys: 1,
          maxKeys: 18,
        }),
      ),
      severity: mostly(fc.constantFrom('info', 'warning', 'critical')),
      enabled: mostly(fc.boolean()),
    },
    { requiredKeys: ['when', 'severity'] },
  );
  // Documents inside every bound (numbers at the contract's edges, prototype names as values, maximal filters).
  const printable = (maxLength: number) =>
    fc.oneof(
      fc.string({ minLength: 1, maxLength }).filter((t) => !/\p{C}/u.test(t)),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'down'),
    );
  const validRule = fc.record(
    {
      description: fc.string({ maxLength: 1024 }),
      when: fc.oneof(
        fc.record({
          field: fc.constant('cpuusage'),
          op: fc.constantFrom('>', '>=', '<', '<=', '==', '!='),
          value: fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1e6),
        }),
        fc.record({
          field: fc.constant('memoryusage'),
          op: fc.constantFrom('>', '<='),
          value: fc.oneof(fc.constantFrom(0, 1_048_576), fc.integer({ min: 0, max: 1_048_576 })),
        }),
        fc.record({ field: fc.constant('interfacestatus'), op: fc.constant('=='), value: printable(256) }),
      ),
      models: fc.array(printable(256), { minLength: 1, maxLength: 50 }),
      registry: fc.dictionary(fc.stringMatching(/^[A-Za-z][a-z0-9_]{0,63}$/), printable(256), {
        minKeys: 1,
        maxKeys: 16,
      }),
      severity: fc.constantFrom('info', 'warning', 'critical'),
      enabled: fc.boolean(),
    },
    { requiredKeys: ['when', 'severity'] },
  );
  const anyDocument = fc.oneof(
    { arbitrary: validRule, weight: 2 },
    { arbitrary: ruleShaped, weight: 2 },
    { arbitrary: ruleShaped.map((r) => ({ ...r, updatedAt: '2026-01-01T00:00:00Z' })), weight: 1 },
    { arbitrary: json, weight: 1 },
  );

  it('answers every generated document with a storable rule or a 400', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyDocument, fc.string({ unit: 'binary', maxLength: 20 }), (document, junk) => {
        for (const body of [JSON.stringify(document) ?? 'null', `${JSON.stringify(document)}${junk}`]) {
          let parsed: ReturnType<typeof parseRuleDocument> | undefined;
          try {
            parsed = parseRuleDocument('r1', body);
          } catch (error) {
            if (!(error instanceof HttpError) || error.statusCode !== 400) throw error;
            expect(error.message.length).toBeLessThan(400);
            continue;
          }
          accepted++;
          expect(numbersDynamoDbStores(storable(parsed))).toBe(true);
          expect(Buffer.byteLength(JSON.stringify(parsed))).toBeLessThanOrEqual(RULE_LIMITS.maxDocumentBytes);
          const value = 'value' in parsed.when ? parsed.when.value : undefined;
          if (typeof value === 'number') {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1_048_576);
          }
        }
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the accepting path often, or the property says little about it.
    expect(accepted).toBeGreaterThan(1000);
  });
});
