/**
 * The presence index (docs/DATA_MODEL.md "Presence index"): for each processing minute, the devices whose first write
 * of that minute happened in it. A device written every minute is in every minute; a device whose last write was in
 * minute X is in X and not in X + 1, which is all the silence sweep needs to find candidates without reading the
 * fleet. Items of the state table, sharded by source partition (one partition key per minute and partition keeps a
 * minute's writes under DynamoDB's 1,000 WCU per partition key), ids packed into string sets: an entry costs its
 * bytes, not a write of its own. Pure: no AWS imports.
 */
import { SILENT_FOR_SECONDS } from '#core/rules.ts';
import { type ItemKey, windowStart } from './keys.ts';

export const PRESENCE_PREFIX = 'PRESENCE#';
/**
 * Device ids per presence item: 1,000 ids of at most 128 characters stay far below DynamoDB's 400 KB item limit even
 * when retries with other chunk contents add up (ids of a chunk always come from the same 1,000 of the batch).
 */
export const PRESENCE_CHUNK_IDS = 1_000;
/** How long a presence item is kept after its minute: the longest silence rule plus an hour for a stalled sweep. */
export const PRESENCE_RETENTION_SECONDS = SILENT_FOR_SECONDS.max + 3_600;

export interface PresenceItem extends ItemKey {
  /** Device ids (a DynamoDB string set, added to with ADD: retries only add). */
  ids: Set<string>;
  /** Epoch seconds (TTL). */
  expiresAt: number;
}

/** The partition key of a minute's presence items written from one source partition. */
export const presencePk = (minute: string, partition: number): string =>
  `${PRESENCE_PREFIX}${minute}#${partition}`;

/** One batch's chunk: the topic, the batch's first offset on that partition, the chunk number. */
export const presenceKey = (
  minute: string,
  at: { topic: string; partition: number; firstOffset: number; chunk: number },
): ItemKey => ({
  pk: presencePk(minute, at.partition),
  sk: `${at.topic}#${at.firstOffset}#${at.chunk}`,
});

/** The sort key prefix of one topic's chunks under a presence partition key. */
export const presenceTopicPrefix = (topic: string): string => `${topic}#`;

export const MINUTE_MS = 60_000;

/** The processing minute of an epoch ms, as keys name it (`YYYY-MM-DDTHH:mmZ`). */
export const minuteOf = windowStart;

/** Epoch ms of a minute named by {@link minuteOf}. */
export const minuteMs = (minute: string): number => Date.parse(`${minute.slice(0, 16)}:00.000Z`);

export const presenceExpiry = (minute: string): number =>
  Math.floor(minuteMs(minute) / 1000) + 60 + PRESENCE_RETENTION_SECONDS;

/** A device is new in `minute` when its item's last write (processedAt) was in an earlier minute, or never. */
export const isNewInMinute = (processedAt: string | undefined, minute: string): boolean =>
  processedAt === undefined || minuteOf(Date.parse(processedAt)) < minute;

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
