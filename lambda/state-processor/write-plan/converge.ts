/**
 * The one conditional-retry loop: write a plan; when its version condition fails (another invocation wrote the item
 * first), count the conflict, re-plan from the item as it is now and write again, a bounded number of times. The
 * watermarks make a re-plan drop what the other invocation already folded, so the loop ends with the plan written or
 * with nothing left to write.
 */
import type { StateItem } from '#core/items/state-item.ts';
import {
  describe,
  type Planned,
  readItem,
  toWrite,
  WriteConflictError,
  type WriteContext,
} from './context.ts';

export interface ConvergingWrite<T> {
  /** Tries one write; false = a version condition failed. */
  write(planned: T): Promise<boolean>;
  /** The plan again, from the item(s) as now stored; null = nothing is left to write. */
  replan(planned: T): Promise<T | null>;
}

/** Writes `first`, re-planning after each lost condition. Returns the plan written, or null when none was left. */
export const writeConverging = async <T extends { item: StateItem }>(
  context: WriteContext,
  first: T,
  step: ConvergingWrite<T>,
): Promise<T | null> => {
  let planned: T | null = first;
  for (let attempt = 1; planned !== null; attempt++) {
    if (await step.write(planned)) return planned;
    context.stats.conflicts += 1;
    if (attempt >= context.maxAttempts)
      throw new WriteConflictError(`gave up on ${describe(planned.item)} after ${attempt} conflicts`);
    planned = await step.replan(planned);
  }
  return null;
};

/**
 * A conditional put of one item, re-planned by `replan` from the item as re-read. Returns the item written, or null
 * when another invocation had folded it all (the item is then newer than any read here).
 */
export const putConverging = async <T extends Planned>(
  context: WriteContext,
  first: T,
  replan: (current: StateItem | undefined) => T | null,
): Promise<StateItem | null> => {
  const written = await writeConverging(context, first, {
    write: async (planned) => {
      if (!(await context.store.put(toWrite(planned)))) return false;
      context.stats.itemWrites += 1;
      return true;
    },
    replan: async (planned) => replan(await readItem(context, planned.item)),
  });
  return written?.item ?? null;
};
