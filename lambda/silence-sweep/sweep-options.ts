/** What a sweep is configured with, and the keys of its own items in the state table. */
import type { ItemKey } from '#core/items/keys.ts';

export interface SweepOptions {
  /** The processor's topic. */
  readonly topic: string;
  /** The processor's consumer group (named in the stall alert). */
  readonly groupId: string;
  /** A partition behind for longer than this raises "pipeline stalled". */
  readonly stallAfterMs: number;
  /** How long to wait for the group to reach the ends just observed. */
  readonly settleMs: number;
  /** Presence slots examined per rule and sweep (bounds one run after a long stall). @default 60 (30 minutes) */
  readonly maxSlots?: number;
}

export const SWEEP_PK = 'SWEEP';

/** The stall guard's lag state of a topic. */
export const lagStateKey = (topic: string): ItemKey => ({ pk: SWEEP_PK, sk: `LAG#${topic}` });

/** A silence rule's cursor: the next presence slot to examine. */
export const cursorKey = (topic: string, ruleId: string): ItemKey => ({
  pk: SWEEP_PK,
  sk: `CURSOR#${topic}#${ruleId}`,
});
