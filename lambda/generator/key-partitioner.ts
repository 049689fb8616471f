import { type ICustomPartitioner, Partitioners } from 'kafkajs';

/**
 * kafkajs's Java-compatible partitioner (murmur2 of the key modulo the partition count), remembered per key.
 * kafkajs hashes each message's key again and filters the partition list on every call; the generator sends a few
 * thousand device keys over and over, so each key is hashed once per partition count (issue 22: partitioning was
 * part of the 8% the profile gave per-message bookkeeping). Messages with an explicit partition or no key go to
 * kafkajs's partitioner every time (round-robin must advance).
 */

/** Keys remembered at most; the map starts over past this (a fleet bigger than this only hashes more often). */
export const MAX_REMEMBERED_KEYS = 100_000;

export const cachedKeyPartitioner: ICustomPartitioner = () => {
  const partitioner = Partitioners.DefaultPartitioner();
  // partition count → key → partition: a topic that grows gets a fresh map, as murmur2 % count changes.
  const byCount = new Map<number, Map<string, number>>();
  let remembered = 0;
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if ((message.partition !== undefined && message.partition !== null) || typeof key !== 'string')
      return partitioner(args);
    const known = byCount.get(partitionMetadata.length) ?? new Map<string, number>();
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    if (remembered >= MAX_REMEMBERED_KEYS) {
      byCount.clear();
      remembered = 0;
    }
    const partition = partitioner(args);
    byCount.set(partitionMetadata.length, known);
    known.set(key, partition);
    remembered++;
    return partition;
  };
};
