import { describe, expect, it } from 'vitest';
import type { BatchPlanner } from '#core/batch/planner.ts';
import { windowKey } from '#core/items/keys.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { AlertSink, StateStore } from '#core/ports.ts';
import { WriteConflictError, type WriteContext } from '#lambda/state-processor/write-plan/context.ts';
import { writeConverging } from '#lambda/state-processor/write-plan/converge.ts';

const context = (maxAttempts: number): WriteContext => ({
  store: {} as StateStore,
  alerts: {} as AlertSink,
  planner: {} as BatchPlanner,
  concurrency: 1,
  maxAttempts,
  stats: { itemWrites: 0, transactions: 0, conflicts: 0, alerts: 0, resolves: 0, fleetItemConflicts: 0 },
  writtenAlerts: new Set(),
  writtenResolves: new Set(),
});

const plan = (version: number) => ({
  item: { ...windowKey('d1', '2026-11-21T10:00Z'), version } as WindowItem,
});

describe('writeConverging (the one conditional-retry loop)', () => {
  it('re-plans after each lost condition until the write holds, counting the conflicts', async () => {
    const ctx = context(8);
    const tried: number[] = [];
    const written = await writeConverging(ctx, plan(1), {
      write: async (p) => {
        tried.push(p.item.version);
        return p.item.version === 3;
      },
      replan: async (p) => plan(p.item.version + 1),
    });
    expect(written?.item.version).toBe(3);
    expect(tried).toEqual([1, 2, 3]);
    expect(ctx.stats.conflicts).toBe(2);
  });

  it('stops when a re-plan finds nothing left to write', async () => {
    const ctx = context(8);
    const written = await writeConverging(ctx, plan(1), {
      write: async () => false,
      replan: async () => null,
    });
    expect(written).toBeNull();
    expect(ctx.stats.conflicts).toBe(1);
  });

  it('gives up after maxAttempts lost conditions, naming the item', async () => {
    const ctx = context(3);
    const attempt = writeConverging(ctx, plan(1), { write: async () => false, replan: async (p) => p });
    await expect(attempt).rejects.toThrow(WriteConflictError);
    await expect(attempt).rejects.toThrow('gave up on DEVICE#d1 WIN#2026-11-21T10:00Z after 3 conflicts');
    expect(ctx.stats.conflicts).toBe(3);
  });
});
