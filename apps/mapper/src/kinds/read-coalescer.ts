import type { GithubObject } from '@glint/github';

interface Read {
  startedAtMs: number;
  result: Promise<GithubObject | null>;
}

/**
 * Lets events of one object that arrive close together share one GitHub read. A read is shared only by events the
 * gateway received before the read started, so every event still sees a state at least as new as itself.
 */
export class ReadCoalescer {
  private readonly reads = new Map<string, Read>();

  constructor(
    private readonly keepMs = 2_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  read(key: string, receivedAtMs: number, load: () => Promise<GithubObject | null>): Promise<GithubObject | null> {
    const now = this.nowMs();
    this.prune(now);
    const shared = this.reads.get(key);
    if (shared && shared.startedAtMs >= receivedAtMs) return shared.result;
    const read: Read = { startedAtMs: now, result: load() };
    this.reads.delete(key);
    this.reads.set(key, read);
    read.result.catch(() => {
      if (this.reads.get(key) === read) this.reads.delete(key);
    });
    return read.result;
  }

  private prune(now: number): void {
    for (const [key, read] of this.reads) {
      if (read.startedAtMs + this.keepMs > now) break;
      this.reads.delete(key);
    }
  }
}
