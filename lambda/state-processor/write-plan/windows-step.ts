/**
 * Window items written on their own (late minutes, and the copy of a closed window after its device): each a
 * conditional put, re-planned from the item as re-read after a lost condition.
 */
import { forEachLimit } from '#core/concurrency.ts';
import type { WindowItem } from '#core/items/window.ts';
import type { WindowPlan } from '#core/window/context.ts';
import type { WriteContext } from './context.ts';
import { putConverging } from './converge.ts';

export const writeWindows = (context: WriteContext, windows: readonly WindowPlan[]): Promise<void> =>
  forEachLimit(windows, context.concurrency, async (planned) => {
    await putConverging(context, planned, (current) =>
      context.planner.window(planned, current as WindowItem | undefined),
    );
  });
