import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE_DEADLINE_MS,
  DRAIN_WINDOWS,
  designDeadlineMs,
  MAX_DEADLINE_MS,
} from '#scripts/bench/workloads.ts';

const modes = fc.constantFrom('quick' as const, 'full' as const);
/** The CLI's range: `--batching-window` takes 0-300 s. */
const cliWindowMs = fc.integer({ min: 0, max: 300 }).map((s) => s * 1000);

describe('designDeadlineMs', () => {
  it('gives a 30 s window room for its last batches on top of the quick base', () => {
    expect(designDeadlineMs('quick', 30_000)).toBe(120_000 + DRAIN_WINDOWS * 30_000);
    expect(designDeadlineMs('quick', 1_000)).toBe(124_000);
    expect(designDeadlineMs('full', 300_000)).toBe(240_000 + DRAIN_WINDOWS * 300_000);
  });

  it('waits out the stream tail and the markers (two windows) beyond the base, for every window the CLI takes', () => {
    fc.assert(
      fc.property(modes, cliWindowMs, (mode, windowMs) => {
        expect(designDeadlineMs(mode, windowMs)).toBeGreaterThanOrEqual(
          BASE_DEADLINE_MS[mode] + 2 * windowMs,
        );
      }),
    );
  });

  it('never shrinks as the window grows', () => {
    fc.assert(
      fc.property(modes, fc.nat(3_600_000), fc.nat(3_600_000), (mode, a, b) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a];
        expect(designDeadlineMs(mode, shorter)).toBeLessThanOrEqual(designDeadlineMs(mode, longer));
      }),
    );
  });

  it('is bounded whatever the window, so a stuck design fails instead of hanging the run', () => {
    fc.assert(
      fc.property(modes, fc.double({ min: 0, max: 1e12, noNaN: true }), (mode, windowMs) => {
        expect(designDeadlineMs(mode, windowMs)).toBeLessThanOrEqual(MAX_DEADLINE_MS);
      }),
    );
    expect(designDeadlineMs('full', 3_600_000)).toBe(MAX_DEADLINE_MS);
  });

  it('rejects a window that is negative or not a number', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => designDeadlineMs('quick', bad)).toThrow(/batching window must be a finite number of ms/);
  });
});
