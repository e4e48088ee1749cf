import { concurrentPages, eachItem, PageRequestTimes } from './concurrent-pages';

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const collected: T[][] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

async function* sourcesOf<S>(...sources: S[]): AsyncIterable<S> {
  yield* sources;
}

/** Pages a test hands out one at a time: each `next()` of a source's listing waits until the test releases it. */
class ControlledListings {
  readonly open = new Set<string>();
  maxOpen = 0;
  /** Pages asked for and not yet answered, by source. */
  readonly asked: string[] = [];
  private readonly answers = new Map<string, Array<() => void>>();

  listing(source: string, pages: number): AsyncIterable<string[]> {
    const { open, asked, answers } = this;
    const opened = () => (this.maxOpen = Math.max(this.maxOpen, open.size));
    return (async function* () {
      open.add(source);
      opened();
      try {
        for (let page = 1; page <= pages; page += 1) {
          await new Promise<void>((resolve) => {
            asked.push(source);
            answers.set(source, [...(answers.get(source) ?? []), resolve]);
          });
          yield [`${source}${page}`];
        }
      } finally {
        open.delete(source);
      }
    })();
  }

  /** Answers the oldest page asked for of `source`. */
  answer(source: string): void {
    const waiting = this.answers.get(source) ?? [];
    const next = waiting.shift();
    if (!next) throw new Error(`no page of ${source} was asked for`);
    this.asked.splice(this.asked.indexOf(source), 1);
    next();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrentPages', () => {
  it('hands out every page of every source, each source in order, with at most `width` sources listed at once', async () => {
    const listings = new ControlledListings();
    const sources = ['a', 'b', 'c', 'd', 'e'];
    const pages = concurrentPages(sourcesOf(...sources), (source) => listings.listing(source, 3), { width: 2 });
    let done = false;
    const collected = all(pages).finally(() => (done = true));

    // Answer whatever is asked, the newest first, until every listing ended.
    for (let round = 0; round < 1_000 && !done; round += 1) {
      await settle();
      const source = listings.asked[listings.asked.length - 1];
      if (source) listings.answer(source);
    }

    const handedOut = (await collected).flat();
    expect(handedOut.sort()).toEqual(sources.flatMap((source) => [`${source}1`, `${source}2`, `${source}3`]).sort());
    for (const source of sources) expect(handedOut.filter((page) => page.startsWith(source))).toEqual([`${source}1`, `${source}2`, `${source}3`]);
    expect(listings.maxOpen).toBe(2);
  });

  it('reads at most one page ahead of its consumer per open source', async () => {
    const listings = new ControlledListings();
    const iterator = concurrentPages(sourcesOf('a', 'b'), (source) => listings.listing(source, 50), { width: 2 })[Symbol.asyncIterator]();

    const first = iterator.next();
    await settle();
    listings.answer('a');
    listings.answer('b');
    expect((await first).value).toEqual(['a1']);
    await settle();

    // The consumer took one page: `a` asked for its next, `b` holds its first and asks for nothing more.
    expect(listings.asked).toEqual(['a']);
    await iterator.return?.();
  });

  it('reports a failing source to onError and lists the other sources to the end', async () => {
    const failures: Array<[string, unknown]> = [];
    const pages = concurrentPages(
      sourcesOf('a', 'broken', 'c'),
      async function* (source) {
        if (source === 'broken') throw new Error('403 on broken');
        yield [source];
      },
      { width: 2, onError: (source, error) => failures.push([source, error]) },
    );

    expect((await all(pages)).flat().sort()).toEqual(['a', 'c']);
    expect(failures).toEqual([['broken', new Error('403 on broken')]]);
  });

  it('ends the listing at a failure without onError, or at one that isLocal says concerns every source', async () => {
    const listing = async function* (source: string) {
      if (source === 'broken') throw new Error(`cannot list ${source}`);
      yield [source];
    };

    await expect(all(concurrentPages(sourcesOf('broken', 'b'), listing, { width: 1 }))).rejects.toThrow('cannot list broken');
    const reported: string[] = [];
    await expect(
      all(concurrentPages(sourcesOf('broken', 'b'), listing, { width: 1, onError: (source) => reported.push(source), isLocal: () => false })),
    ).rejects.toThrow('cannot list broken');
    expect(reported).toEqual([]);
  });

  it('fails when the sources themselves cannot be listed', async () => {
    async function* failingSources(): AsyncIterable<string> {
      yield 'a';
      throw new Error('the repository listing answered 502');
    }

    await expect(all(concurrentPages(failingSources(), async function* (source) { yield [source]; }, { width: 4, onError: () => undefined }))).rejects.toThrow(
      'the repository listing answered 502',
    );
  });

  it('closes the open listings when its consumer stops early', async () => {
    const closed: string[] = [];
    const pages = concurrentPages(
      sourcesOf('a', 'b'),
      async function* (source) {
        try {
          for (let page = 1; ; page += 1) yield [`${source}${page}`];
        } finally {
          closed.push(source);
        }
      },
      { width: 2 },
    );

    const seen = new Set<string>();
    for await (const [page] of pages) {
      seen.add(page.slice(0, 1));
      if (seen.size === 2) break;
    }
    await settle();

    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('tells when each page handed out was asked for, so a page read ahead is dated by its ask, not its hand-out', async () => {
    let clock = 1_000;
    const times = new PageRequestTimes(() => clock);
    const listings = new ControlledListings();
    const iterator = concurrentPages(sourcesOf('a'), (source) => listings.listing(source, 3), { width: 1, times })[Symbol.asyncIterator]();

    const first = iterator.next();
    await settle();
    listings.answer('a');
    await first;
    expect(times.takeOldest()).toBe(1_000);

    // Page 2 was asked for when page 1 was handed out (read ahead); the consumer comes back for it at 5,000.
    clock = 2_000;
    await settle();
    listings.answer('a');
    clock = 5_000;
    await iterator.next();

    expect(times.takeOldest()).toBe(1_000);
    expect(times.takeOldest()).toBeUndefined();
    await iterator.return?.();
  });
});

describe('eachItem', () => {
  it('flattens pages, from an array or an async listing', async () => {
    const items: number[] = [];
    for await (const item of eachItem([[1, 2], [3]])) items.push(item);
    for await (const item of eachItem((async function* () { yield [4]; })())) items.push(item);

    expect(items).toEqual([1, 2, 3, 4]);
  });
});
