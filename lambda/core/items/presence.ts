/**
 * The presence index (docs/DATA_MODEL.md "Silence detection"): for each processing slot (30 s), the devices written in
 * it, each listed by its first write of the slot. A device written every slot is in every slot; a device whose last
 * write was in slot X is in X and not in X + 1, which is all the silence sweep needs to find candidates without
 * reading the fleet. Items of the state table, sharded by source partition (one partition key per slot and partition
 * keeps a slot's writes under DynamoDB's 1,000 WCU per partition key), ids packed into string sets: an entry costs its
 * bytes, not a write of its own. Pure: no AWS imports.
 */
import { SILENT_FOR_SECONDS } from '#core/rules.ts';
import type { ItemKey } from './keys.ts';

export const PRESENCE_PREFIX = 'PRESENCE#';
/**
 * Device ids per presence item: 1,000 ids of at most 128 characters stay far below DynamoDB's 400 KB item limit even
 * when retries with other chunk contents add up (ids of a chunk always come from the same 1,000 of the batch).
 */
export const PRESENCE_CHUNK_IDS = 1_000;
/** How long a presence item is kept after its slot: the longest silence rule plus an hour for a stalled sweep. */
export const PRESENCE_RETENTION_SECONDS = SILENT_FOR_SECONDS.max + 3_600;

export interface PresenceItem extends ItemKey {
  /** Device ids (a DynamoDB string set, added to with ADD: retries only add). */
  ids: Set<string>;
  /** Epoch seconds (TTL). */
  expiresAt: number;
}

/** The partition key of a slot's presence items written from one source partition. */
export const presencePk = (slot: string, partition: number): string =>
  `${PRESENCE_PREFIX}${slot}#${partition}`;

/** One batch's chunk: the topic, the batch's first offset on that partition, the chunk number. */
export const presenceKey = (
  slot: string,
  at: { topic: string; partition: number; firstOffset: number; chunk: number },
): ItemKey => ({
  pk: presencePk(slot, at.partition),
  sk: `${at.topic}#${at.firstOffset}#${at.chunk}`,
});

/** The sort key prefix of one topic's chunks under a presence partition key. */
export const presenceTopicPrefix = (topic: string): string => `${topic}#`;

/**
 * The presence slot: 30 s. A device reporting at least every 30 s is in every slot (never a candidate); a device that
 * stops is a candidate of its last slot, judgeable once that slot is N s behind how far the pipeline is processed, so
 * detection takes at most N + 30 s + one sweep period after its last record was processed.
 */
export const PRESENCE_SLOT_MS = 30_000;

/** The processing slot of an epoch ms, as keys name it (`YYYY-MM-DDTHH:mm:ssZ`, seconds a multiple of 30). */
export const slotOf = (epochMs: number): string =>
  `${new Date(Math.floor(epochMs / PRESENCE_SLOT_MS) * PRESENCE_SLOT_MS).toISOString().slice(0, 19)}Z`;

/** Epoch ms a slot named by {@link slotOf} starts at. */
export const slotMs = (slot: string): number => Date.parse(slot);

export const presenceExpiry = (slot: string): number =>
  Math.floor((slotMs(slot) + PRESENCE_SLOT_MS) / 1000) + PRESENCE_RETENTION_SECONDS;

/** A device is new in `slot` when its item's last write (processedAt) was in an earlier slot, or never. */
export const isNewInSlot = (processedAt: string | undefined, slot: string): boolean =>
  processedAt === undefined || slotOf(Date.parse(processedAt)) < slot;

export interface PresenceChunk {
  chunk: number;
  ids: string[];
}

/**
 * The chunks of one partition's devices in a batch: `all` (every device of that partition in the batch) sorted and
 * cut into PRESENCE_CHUNK_IDS, each keeping only the ids in `present`. The cut depends on the batch alone, so a retry
 * writes each id to the same chunk, and a chunk never holds more than PRESENCE_CHUNK_IDS ids. Empty chunks are
 * dropped.
 */
export const presenceChunks = (all: Iterable<string>, present: ReadonlySet<string>): PresenceChunk[] => {
  const sorted = [...new Set(all)].sort();
  const chunks: PresenceChunk[] = [];
  for (let start = 0; start < sorted.length; start += PRESENCE_CHUNK_IDS) {
    const ids = sorted.slice(start, start + PRESENCE_CHUNK_IDS).filter((id) => present.has(id));
    if (ids.length > 0) chunks.push({ chunk: start / PRESENCE_CHUNK_IDS, ids });
  }
  return chunks;
};
