/**
 * When the pages a concurrent listing hands out were asked for. A page read ahead was asked for before its consumer
 * asked for it, so its objects may be older than the consumer thinks: the consumer takes the oldest ask of the pages
 * it got, to date them no later than they were read.
 */
export class PageRequestTimes {
  private oldest: number | undefined;

  constructor(readonly now: () => number = Date.now) {}

  /** A page asked for at `askedAt` (this clock's milliseconds) is handed out. */
  handedOut(askedAt: number): void {
    if (this.oldest === undefined || askedAt < this.oldest) this.oldest = askedAt;
  }

  /** The oldest ask of the pages handed out since the last call, if any. */
  takeOldest(): number | undefined {
    const oldest = this.oldest;
    this.oldest = undefined;
    return oldest;
  }
}

export interface ConcurrentPagesOptions<S> {
  /** Sources listed at once. */
  width: number;
  /** A source whose listing failed; without it the first failure ends the whole listing. */
  onError?: (source: S, error: unknown) => void;
  /** Whether a failure stays with its source (`onError`) or ends the whole listing; every failure stays when absent. */
  isLocal?: (error: unknown) => boolean;
  times?: PageRequestTimes;
}

type Step<S, T> =
  | { kind: 'source'; result: IteratorResult<S> }
  | { kind: 'page'; lane: Lane<S, T>; result: IteratorResult<T[]> }
  | { kind: 'failed'; lane?: Lane<S, T>; error: unknown };

interface Lane<S, T> {
  source: S;
  iterator: AsyncIterator<T[]>;
  askedAt: number;
}

/**
 * The pages `open(source)` yields for every source, up to `width` sources listed at once, handed out as they arrive.
 * Each open listing reads at most one page ahead of its consumer, and the next source is taken only when a listing
 * ends, so memory holds a few pages per open source, never a whole listing. The pages of one source keep their order.
 */
export async function* concurrentPages<S, T>(sources: AsyncIterable<S>, open: (source: S) => AsyncIterable<T[]>, options: ConcurrentPagesOptions<S>): AsyncIterable<T[]> {
  const width = Math.max(1, options.width);
  const now = options.times?.now ?? Date.now;
  const sourceIterator = sources[Symbol.asyncIterator]();
  const lanes = new Set<Lane<S, T>>();
  const ready: Array<Step<S, T>> = [];
  let wake: (() => void) | undefined;
  let sourcePending = false;
  let sourcesDone = false;

  const settle = (step: Step<S, T>): void => {
    ready.push(step);
    wake?.();
    wake = undefined;
  };
  const advance = (lane: Lane<S, T>): void => {
    lane.askedAt = now();
    lane.iterator.next().then(
      (result) => settle({ kind: 'page', lane, result }),
      (error: unknown) => settle({ kind: 'failed', lane, error }),
    );
  };
  const takeSource = (): void => {
    sourcePending = true;
    sourceIterator.next().then(
      (result) => settle({ kind: 'source', result }),
      (error: unknown) => settle({ kind: 'failed', error }),
    );
  };

  try {
    for (;;) {
      if (!sourcesDone && !sourcePending && lanes.size < width) takeSource();
      const step = ready.shift();
      if (!step) {
        if (lanes.size === 0 && !sourcePending) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (step.kind === 'source') {
        sourcePending = false;
        if (step.result.done) sourcesDone = true;
        else {
          const lane: Lane<S, T> = { source: step.result.value, iterator: open(step.result.value)[Symbol.asyncIterator](), askedAt: 0 };
          lanes.add(lane);
          advance(lane);
        }
      } else if (step.kind === 'failed') {
        const local = step.lane && options.onError && (options.isLocal?.(step.error) ?? true);
        if (!step.lane || !local) throw step.error;
        lanes.delete(step.lane);
        options.onError?.(step.lane.source, step.error);
      } else if (step.result.done) {
        lanes.delete(step.lane);
      } else {
        const page = step.result.value;
        const askedAt = step.lane.askedAt;
        // Read ahead while the consumer works on this page.
        advance(step.lane);
        options.times?.handedOut(askedAt);
        yield page;
      }
    }
  } finally {
    // Ending early (the consumer stopped, or a failure): the open listings and the source are closed, not awaited.
    for (const lane of lanes) void lane.iterator.return?.()?.catch(() => undefined);
    void sourceIterator.return?.()?.catch(() => undefined);
  }
}

/** The items of each page, one by one. */
export async function* eachItem<T>(pages: AsyncIterable<readonly T[]> | Iterable<readonly T[]>): AsyncIterable<T> {
  for await (const page of pages) yield* page;
}

/** `work` for every item, `width` at once (each batch finished before the next starts), results in the items' order. */
export async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) results.push(...(await Promise.all(items.slice(start, start + width).map(work))));
  return results;
}
