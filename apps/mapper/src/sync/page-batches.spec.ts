import { PageBatch, pageBatches } from './page-batches';

async function* listing(pages: number[][], failAfter?: number): AsyncIterable<number[]> {
  for (const [index, page] of pages.entries()) {
    if (index === failAfter) throw new Error('GitHub answered 502');
    yield page;
  }
}

async function collect<T>(batches: AsyncIterable<PageBatch<T>>): Promise<Array<{ objects: T[]; pages: number; firstPageAskedAt: number }>> {
  const collected = [];
  for await (const batch of batches) collected.push({ objects: batch.objects, pages: batch.pages, firstPageAskedAt: batch.firstPageAskedAt.getTime() });
  return collected;
}

describe('pageBatches', () => {
  const clock = () => {
    let tick = 0;
    return () => new Date((tick += 1));
  };

  const tests: Array<{ name: string; pages: number[][]; minObjects: number; batches: number[][] }> = [
    { name: 'puts small pages together until a batch holds at least minObjects', pages: [[1, 2], [3], [4, 5], [6]], minObjects: 3, batches: [[1, 2, 3], [4, 5, 6]] },
    { name: 'hands out a page that is already big enough as it is', pages: [[1, 2, 3, 4], [5]], minObjects: 3, batches: [[1, 2, 3, 4], [5]] },
    { name: 'ends with the smaller remainder', pages: [[1], [2]], minObjects: 5, batches: [[1, 2]] },
    { name: 'counts empty pages in the batch they arrive in, a trailing one too', pages: [[], [1, 2], []], minObjects: 2, batches: [[1, 2], []] },
    { name: 'gives nothing for an empty listing', pages: [], minObjects: 2, batches: [] },
  ];
  it.each(tests)('$name', async ({ pages, minObjects, batches }) => {
    const sut = pageBatches(listing(pages), minObjects, clock());

    expect((await collect(sut)).map((batch) => batch.objects)).toEqual(batches);
  });

  it('tells how many pages each batch holds and when its first page was asked for, before GitHub answered it', async () => {
    let now = 0;
    async function* slowListing(): AsyncIterable<number[]> {
      for (const page of [[1], [2], [3, 4], [5]]) {
        now += 100;
        yield page;
      }
    }
    const sut = pageBatches(slowListing(), 2, () => new Date((now += 1)));

    expect(await collect(sut)).toEqual([
      { objects: [1, 2], pages: 2, firstPageAskedAt: 1 },
      { objects: [3, 4], pages: 1, firstPageAskedAt: 203 },
      { objects: [5], pages: 1, firstPageAskedAt: 304 },
    ]);
  });

  it('hands out the objects gathered before the listing failed, then the failure', async () => {
    const seen: number[][] = [];
    const sut = pageBatches(listing([[1], [2], [3]], 2), 10, clock());

    await expect(
      (async () => {
        for await (const batch of sut) seen.push(batch.objects);
      })(),
    ).rejects.toThrow('GitHub answered 502');
    expect(seen).toEqual([[1, 2]]);
  });
});
