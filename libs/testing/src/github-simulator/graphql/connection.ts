import { TypedResolverError } from './errors';

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const CURSOR_PREFIX = 'cursor:v2:';

/** An opaque cursor for the item at a 1-based position of a listing. */
export function cursorAt(position: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64');
}

function positionOf(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const position = decoded.startsWith(CURSOR_PREFIX) ? Number(decoded.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isInteger(position) || position < 0) throw new TypedResolverError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`);
  return position;
}

/**
 * One page of a connection over a listing already filtered and ordered. Nodes are built only for the page, and only
 * when asked for. `reachable` caps how far pages go (search stops at 1,000 results) while `totalCount` stays true.
 */
export class Connection<T, V> {
  private readonly start: number;
  private readonly end: number;
  private readonly reachable: number;

  constructor(
    private readonly items: readonly T[],
    args: PageArgs,
    private readonly view: (item: T) => V,
    options: { reachable?: number } = {},
  ) {
    this.reachable = Math.min(items.length, options.reachable ?? Infinity);
    let start = args.after ? Math.min(positionOf(args.after), this.reachable) : 0;
    let end = args.before ? Math.max(start, Math.min(positionOf(args.before) - 1, this.reachable)) : this.reachable;
    if (typeof args.first === 'number') end = Math.min(end, start + args.first);
    if (typeof args.last === 'number') start = Math.max(start, end - args.last);
    this.start = start;
    this.end = end;
  }

  get totalCount(): number {
    return this.items.length;
  }

  get pageInfo(): { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } {
    const empty = this.end <= this.start;
    return {
      hasNextPage: this.end < this.reachable,
      hasPreviousPage: this.start > 0,
      startCursor: empty ? null : cursorAt(this.start + 1),
      endCursor: empty ? null : cursorAt(this.end),
    };
  }

  nodes(): V[] {
    return this.items.slice(this.start, this.end).map(this.view);
  }

  edges(): Array<{ cursor: string; node: V }> {
    return this.items.slice(this.start, this.end).map((item, index) => ({ cursor: cursorAt(this.start + index + 1), node: this.view(item) }));
  }
}

/** The `orderBy` direction applied to an ascending comparison. */
export function directed<T>(compare: (a: T, b: T) => number, direction: string | undefined): (a: T, b: T) => number {
  return direction === 'DESC' ? (a, b) => compare(b, a) : compare;
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
