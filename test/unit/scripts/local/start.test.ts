import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '#scripts/local/status-line.ts';

describe('formatStatus', () => {
  it('shows records in, processed, lag, alerts, generator rate and the API URL on one line', () => {
    expect(
      formatStatus({
        recordsIn: 12_345,
        processed: 12_000,
        alerts: 3,
        invalid: 0,
        generatorRate: 199.6,
        apiUrl: 'http://127.0.0.1:3000',
      }),
    ).toBe('in 12,345 · processed 12,000 · lag 345 · alerts 3 · gen 200/s · http://127.0.0.1:3000');
  });

  it('adds invalid records and the latest problem, leaves out an absent generator, never shows negative lag', () => {
    expect(
      formatStatus({
        recordsIn: 10,
        processed: 12,
        alerts: 0,
        invalid: 2,
        generatorRate: null,
        apiUrl: 'http://127.0.0.1:3000',
        problem: 'batch of 10 failed (attempt 2): throttled',
      }),
    ).toBe(
      'in 10 · processed 12 · lag 0 · alerts 0 · invalid 2 · http://127.0.0.1:3000 · ! batch of 10 failed (attempt 2): throttled',
    );
  });
});

describe('npm start flags', () => {
  const run = async (...args: string[]) => {
    try {
      await promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/local/start.ts', ...args]);
      return { code: 0, stderr: '' };
    } catch (error) {
      return error as { code: number; stderr: string };
    }
  };

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--api-port', '70000'], '--api-port must be <= 65535, got 70000'],
    [['--devices', 'many'], '--devices must be an integer, got "many"'],
  ])('%j → usage and exit 2 before starting anything', async (args, message) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: npm start -- [--no-generator] [--reset]');
  });
});
