/** Port's bulk routes: at most 20 entities per upsert, 100 identifiers per delete, 1 MiB per request body. */
export const MAX_UPSERT_BATCH = 20;
export const MAX_DELETE_BATCH = 100;
export const MAX_BODY_BYTES = 1024 * 1024;

/** `{"entities":[` + `]}` around the joined items. */
const ENVELOPE_BYTES = Buffer.byteLength('{"entities":[]}');

export interface SizedItem<T> {
  item: T;
  /** The item's JSON, measured once. */
  json: string;
  bytes: number;
}

export function sized<T>(item: T): SizedItem<T> {
  const json = JSON.stringify(item);
  return { item, json, bytes: Buffer.byteLength(json) };
}

/**
 * Consecutive batches of at most `maxItems` whose `{"entities":[…]}` body stays within `maxBytes`, measured exactly
 * rather than estimated. An item too big on its own comes back in `oversized` instead of a batch.
 */
export function batchBySize<T>(items: readonly SizedItem<T>[], maxItems = MAX_UPSERT_BATCH, maxBytes = MAX_BODY_BYTES): { batches: SizedItem<T>[][]; oversized: SizedItem<T>[] } {
  const batches: SizedItem<T>[][] = [];
  const oversized: SizedItem<T>[] = [];
  let current: SizedItem<T>[] = [];
  let currentBytes = ENVELOPE_BYTES;
  for (const entry of items) {
    if (ENVELOPE_BYTES + entry.bytes > maxBytes) {
      oversized.push(entry);
      continue;
    }
    const separator = current.length > 0 ? 1 : 0;
    if (current.length === maxItems || currentBytes + separator + entry.bytes > maxBytes) {
      batches.push(current);
      current = [];
      currentBytes = ENVELOPE_BYTES;
    }
    currentBytes += (current.length > 0 ? 1 : 0) + entry.bytes;
    current.push(entry);
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}
