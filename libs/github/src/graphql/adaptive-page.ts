import { GithubApiError } from '../client/errors';
import { GraphqlQueryTooLargeError } from './graphql-client';

/** Successes in a row before a shrunk page grows again. */
export const GROW_AFTER_SUCCESSES = 3;

/**
 * The page size of one listing: halved when GitHub answers that a query is too large or timed out (the same page is
 * asked again, smaller: a cursor makes no gap), down to `min`; grown back by a quarter after a few successes in a row,
 * up to the size it started from.
 */
export class AdaptivePageSize {
  private size: number;
  private successes = 0;

  constructor(
    readonly max: number,
    readonly min: number,
    private readonly onShrink?: (from: number, to: number) => void,
  ) {
    if (!Number.isInteger(min) || min < 1 || max < min) throw new Error(`page sizes must be whole numbers with 1 ≤ min (${min}) ≤ max (${max})`);
    this.size = max;
  }

  get current(): number {
    return this.size;
  }

  /** Runs one page at the current size, shrinking and asking again while GitHub finds it too large. */
  async run<T>(what: string, page: (size: number) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await page(this.size);
        this.succeeded();
        return result;
      } catch (error) {
        if (!(error instanceof GraphqlQueryTooLargeError)) throw error;
        if (this.size <= this.min) {
          throw new GithubApiError(
            `${what}: GitHub still found the query too large (${error.reason}) at ${this.size} per page, the smallest allowed; ${error.message}`,
            error.status,
            error.route,
          );
        }
        const from = this.size;
        this.size = Math.max(this.min, Math.floor(this.size / 2));
        this.successes = 0;
        this.onShrink?.(from, this.size);
      }
    }
  }

  private succeeded(): void {
    if (this.size >= this.max) return;
    this.successes += 1;
    if (this.successes < GROW_AFTER_SUCCESSES) return;
    this.successes = 0;
    this.size = Math.min(this.max, Math.ceil(this.size * 1.25));
  }
}
