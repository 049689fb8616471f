import { describe, expect, it } from 'vitest';
import { functionSizes, functionSizesUnder } from '#test/support/function-size.ts';

// Issue 20: in the local runtime no function runs over 60 lines or takes more than 4 positional parameters.
const MAX_LINES = 60;
const MAX_PARAMS = 4;

describe('scripts/local function size', () => {
  const sizes = functionSizesUnder(process.cwd(), 'scripts/local');

  it('reads the functions (the check is not vacuous)', () => {
    expect(sizes.length).toBeGreaterThan(100);
    const long = `const f = (a, b, c, d, e) => {\n${'  a++;\n'.repeat(70)}};\n`;
    expect(functionSizes('x.ts', long)).toEqual([{ file: 'x.ts', line: 1, name: 'f', lines: 72, params: 5 }]);
  });

  it(`has no function over ${MAX_LINES} lines`, () => {
    const over = sizes
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines})`);
    expect(over).toEqual([]);
  });

  it(`has no function with more than ${MAX_PARAMS} positional parameters`, () => {
    const over = sizes
      .filter((f) => f.params > MAX_PARAMS)
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.params})`);
    expect(over).toEqual([]);
  });
});
