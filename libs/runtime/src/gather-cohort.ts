/**
 * The units of work that can run at once (a mapper's event workers, EVENT_WORKERS_COUNT) and how many of them wait
 * in a gather: a jq call or a publish job held a short window for company. While some unit is not waiting, a new
 * event may still arrive and join, so a gather waits its window. Once every unit waits, nobody can join any more, and
 * waiting on would only hold every worker idle: the gathers are told to go at once. With one event worker (the
 * default), a gather therefore never waits at all.
 */
export class GatherCohort {
  private gathered = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a gather cohort needs a capacity of at least 1, got ${capacity}`);
  }

  /**
   * Counts one waiter until the returned release is called (once; later calls do nothing). When this fills the
   * cohort, the listeners are told on the next microtask, after the caller has recorded its waiter.
   */
  join(): () => void {
    this.gathered += 1;
    if (this.gathered >= this.capacity) void Promise.resolve().then(() => this.tellIfFull());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.gathered -= 1;
    };
  }

  /** Calls `listener` each time every unit waits in a gather. Returns the unsubscribe. */
  onFull(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tellIfFull(): void {
    if (this.gathered >= this.capacity) this.listeners.forEach((listener) => listener());
  }
}
