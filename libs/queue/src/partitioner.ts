/**
 * The partition of a group key: FNV-1a (32 bit) of its UTF-8 bytes, modulo the partition count. Stable
 * across processes, pods and releases; changing the partition count moves groups between partitions, so
 * drain the event queues before changing EVENT_PARTITIONS.
 */
export function partitionOf(groupKey: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(groupKey, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
