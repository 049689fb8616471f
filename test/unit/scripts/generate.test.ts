import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI refuses a bad --silent-ratio before it connects anywhere: the usage line and exit 2 (no broker needed).
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const run = (ratio: string) =>
  spawnSync(
    TSX,
    [
      'scripts/generate.ts',
      '--local',
      '--brokers',
      '127.0.0.1:9',
      '--devices',
      '10',
      '--rate',
      '1',
      '--count',
      '1',
      `--silent-ratio=${ratio}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );

describe('npm run generate -- --silent-ratio', () => {
  it.each([
    ['1', /--silent-ratio must be < 1/],
    ['-0.5', /--silent-ratio must be >= 0/],
    ['half', /--silent-ratio must be a number/],
  ])('%s: one reason, the usage line, exit 2', (ratio, reason) => {
    const result = run(ratio);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toMatch(/usage: npm run generate/);
    expect(result.stderr).toMatch(/\[--silent-ratio F\]/);
  });
});
