import { RouteContext, RouteResult } from './context';
import { JsonObject } from './templates';

export interface Page<T> {
  items: T[];
  page: number;
  perPage: number;
  lastPage: number;
}

export function pageOf<T>(items: readonly T[], query: URLSearchParams): Page<T> {
  const requested = Number.parseInt(query.get('per_page') ?? '', 10);
  const perPage = Number.isFinite(requested) && requested > 0 ? Math.min(requested, 100) : 30;
  const requestedPage = Number.parseInt(query.get('page') ?? '', 10);
  const page = Number.isFinite(requestedPage) && requestedPage > 0 ? requestedPage : 1;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), page, perPage, lastPage };
}

/** GitHub's `Link` header: prev, next, last, first, as absolute URLs keeping the other query parameters. */
export function linkHeader(requestUrl: URL, page: Page<unknown>): string | undefined {
  const link = (target: number, rel: string): string => {
    const url = new URL(requestUrl.href);
    url.searchParams.set('per_page', String(page.perPage));
    url.searchParams.set('page', String(target));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.page > 1) links.push(link(page.page - 1, 'prev'));
  if (page.page < page.lastPage) links.push(link(page.page + 1, 'next'), link(page.lastPage, 'last'));
  if (page.page > 1) links.push(link(1, 'first'));
  return links.length > 0 ? links.join(', ') : undefined;
}

/** A paginated JSON array. */
export function paginate<T>(ctx: RouteContext, items: readonly T[], render: (item: T) => JsonObject): RouteResult {
  const page = pageOf(items, ctx.query);
  const link = linkHeader(ctx.requestUrl, page);
  return { status: 200, body: page.items.map(render), headers: link ? { link } : undefined };
}

/** A paginated list wrapped as `{ total_count, [key]: [...] }`. */
export function paginateWrapped<T>(ctx: RouteContext, key: string, items: readonly T[], render: (item: T) => JsonObject): RouteResult {
  const page = pageOf(items, ctx.query);
  const link = linkHeader(ctx.requestUrl, page);
  return { status: 200, body: { total_count: items.length, [key]: page.items.map(render) }, headers: link ? { link } : undefined };
}
