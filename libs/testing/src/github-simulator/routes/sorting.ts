/** Sorts by a string key (ISO dates sort as strings), ties broken by `tie`; returns a new array. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string, direction: 'asc' | 'desc', tie: (item: T) => number): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -sign : sign;
    return (tie(a) - tie(b)) * sign;
  });
}

export function directionOf(value: string | null, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  return value === 'asc' || value === 'desc' ? value : fallback;
}

/** A GitHub date qualifier: `>=2024-01-01`, `<2024-01-01`, `2024-01-01..2024-02-01`, or one day `2024-01-01`. */
export function dateQualifier(value: string | null): ((iso: string) => boolean) | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  const range = /^(.+)\.\.(.+)$/.exec(text);
  const normalise = (date: string): string => new Date(date.trim()).toISOString();
  const endOf = (date: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(date.trim()) ? new Date(Date.parse(date.trim()) + 86_400_000 - 1).toISOString() : normalise(date));
  const toIso = (iso: string): string => new Date(iso).toISOString();
  if (range) {
    const from = range[1] === '*' ? undefined : normalise(range[1]);
    const to = range[2] === '*' ? undefined : endOf(range[2]);
    return (iso) => (from === undefined || toIso(iso) >= from) && (to === undefined || toIso(iso) <= to);
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(text);
  if (op) {
    const [, operator, date] = op;
    switch (operator) {
      case '>=':
        return (iso) => toIso(iso) >= normalise(date);
      case '>':
        return (iso) => toIso(iso) > endOf(date);
      case '<=':
        return (iso) => toIso(iso) <= endOf(date);
      default:
        return (iso) => toIso(iso) < normalise(date);
    }
  }
  const from = normalise(text);
  const to = endOf(text);
  return (iso) => toIso(iso) >= from && toIso(iso) <= to;
}
