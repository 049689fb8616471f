/**
 * Issue 20: no function in lambda/ or scripts/local/ longer than 60 lines or with more than 4 positional parameters
 * (more than four means a missing object: pass a context or an options object).
 */
import { describe, expect, it } from 'vitest';
import { functionSizes, oversizedFunctions } from '#test/support/function-size.ts';

const LIMITS = { maxLines: 60, maxParams: 4 };
const FOLDERS = ['lambda', 'scripts/local'];

describe('function size (issue 20)', () => {
  const findings = oversizedFunctions(process.cwd(), FOLDERS, LIMITS);

  it('no function is over 60 lines or takes more than 4 positional parameters', () => {
    expect(findings).toEqual([]);
  });

  it('measures lines and positional parameters from the syntax', () => {
    const body = '  step();\n'.repeat(LIMITS.maxLines - 1);
    const source = [
      `export function long() {\n${body}}`,
      `export const short = () => {\n${body.slice(10)}};`,
      'export const wide = (a: number, { b }: { b: number }, c = 1, d?: string, ...e: string[]) => a + b + c;',
      'class C {\n  method(this: C, a: string, b: string, c: string, d: string) {\n    return "}" + a + b + c + d + "{";\n  }\n}',
      "const text = '→ —'; // non-ASCII before a function\nconst after = (x: number) => x;",
    ].join('\n');
    const sizes = functionSizes('x.ts', source).map((f) => [f.where, f.lines, f.params]);
    expect(sizes).toEqual([
      [`x.ts:1 long`, LIMITS.maxLines + 1, 0],
      [`x.ts:${LIMITS.maxLines + 2} short`, LIMITS.maxLines, 0],
      [`x.ts:${2 * LIMITS.maxLines + 2} wide`, 1, 5],
      [`x.ts:${2 * LIMITS.maxLines + 4} method`, 3, 4],
      [`x.ts:${2 * LIMITS.maxLines + 9} after`, 1, 1],
    ]);
  });
});
