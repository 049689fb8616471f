import { describe, expect, inject, it } from 'vitest';
import { canonicalJson, recordGolden } from '#test/support/golden.ts';
import { uniquePrefix } from '#test/support/local-aws.ts';

// The golden recording compares a refactoring's before and after byte for byte: it is only a check if two runs of the
// same code agree (fixed clock, seeded corpus, caches that outlast the run, sorted output).
describe('golden recording (npm run golden)', () => {
  it('is the same, byte for byte, on two runs of the same code, and covers tables, dead letters and API answers', async () => {
    const endpoint = inject('dynamodbEndpoint');
    const first = await recordGolden(endpoint, uniquePrefix('golden-a'));
    const second = await recordGolden(endpoint, uniquePrefix('golden-b'));
    expect(canonicalJson(second)).toBe(canonicalJson(first));
    expect(first.tables.state?.length ?? 0).toBeGreaterThan(600);
    expect(first.tables.alerts?.length ?? 0).toBeGreaterThan(0);
    expect(first.deadLetters.length).toBeGreaterThan(100);
    expect(first.api.filter((a) => a.status === 200).length).toBeGreaterThan(20);
    expect(first.api.some((a) => a.status === 400)).toBe(true);
  });
});
