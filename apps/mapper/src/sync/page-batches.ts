/** Pages of a resync listing put together, so a kind listed per repository is mapped and published in sizeable batches. */
export interface PageBatch<T> {
  objects: T[];
  /** How many listing pages the batch holds. */
  pages: number;
  /**
   * When the batch's first page was asked for: every object in it is at least this new. Not its arrival, which may
   * come after a change the page does not show: a live event of that change must stay newer than the page.
   */
  firstPageAskedAt: Date;
}

/**
 * Regroups `pages` into batches of at least `minObjects` objects (the last one may be smaller). Repository-scoped
 * kinds come one small page per repository (two open pull requests, say); mapping and publishing each on its own
 * costs a jq call, a publish job and a catalog call per repository. When the listing fails, the objects already
 * gathered are still handed out before the error.
 */
export async function* pageBatches<T>(pages: AsyncIterable<readonly T[]>, minObjects: number, now: () => Date = () => new Date()): AsyncIterable<PageBatch<T>> {
  let batch: PageBatch<T> | undefined;
  const iterator = pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const askedAt = now();
      const next = await iterator.next();
      if (next.done) break;
      const page = next.value;
      batch ??= { objects: [], pages: 0, firstPageAskedAt: askedAt };
      for (const object of page) batch.objects.push(object);
      batch.pages += 1;
      if (batch.objects.length >= minObjects) {
        const full = batch;
        batch = undefined;
        yield full;
      }
    }
  } catch (error) {
    if (batch) {
      const gathered = batch;
      batch = undefined;
      yield gathered;
    }
    throw error;
  }
  if (batch) yield batch;
}
