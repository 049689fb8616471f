/**
 * Issue 14's cost lines, checked on the committed bench results (the calibration `npm run cost` uses by default): at
 * the default profile the blog scenario costs at most half the naive design, and with the recommended codec the
 * literal blog scenario at most a fifth. A change that makes FleetStream's writes dearer, a default profile that
 * coalesces less, or a codec ratio that regresses fails here.
 */
import { describe, expect, it } from 'vitest';
import { main } from '#scripts/cost.ts';

const totals = async (argv: string[]) => {
  const out: string[] = [];
  expect(await main([...argv, '--json'], (text) => out.push(text))).toBe(0);
  const doc = JSON.parse(out.join('\n')) as {
    fleetstream: { totalUsd: number };
    naive: { totalUsd: number };
  };
  return doc.fleetstream.totalUsd / doc.naive.totalUsd;
};

describe('issue 14 cost targets on bench/results/latest.json', () => {
  it('blog scenario (5,000 modems × 2 records/s × 1 KB) at the default profile: at most half the naive bill', async () => {
    expect(
      await totals(['--devices', '5000', '--rate', '10000', '--record-bytes', '1024']),
    ).toBeLessThanOrEqual(0.5);
  });

  it('literal blog scenario (1,000 modems × 1,000 records/s) with zstd: at most a fifth of the naive bill', async () => {
    const argv = [
      '--devices',
      '1000',
      '--rate',
      '1000000',
      '--record-bytes',
      '1024',
      '--compression',
      'zstd',
    ];
    expect(await totals(argv)).toBeLessThanOrEqual(0.2);
  });

  it('the old default (1 s window, 6 partitions) did not halve it: the profile is what does', async () => {
    const argv = ['--devices', '5000', '--rate', '10000', '--record-bytes', '1024'];
    expect(await totals([...argv, '--batching-window', '1', '--partitions', '6'])).toBeGreaterThan(0.5);
  });
});
