import { GithubPermissionError, GithubRestClient, PaginateOptions, RequestOptions } from '../client';

type Handler = (params: Record<string, unknown>) => unknown;

/**
 * An in-memory GithubRestClient for fetcher unit tests: routes answer from handlers, lists are split into
 * pages of `pageSize`, unknown routes are 404s. Records every call so tests can check what was asked.
 */
export class FakeGithubClient implements GithubRestClient {
  readonly calls: Array<{ route: string; params: Record<string, unknown>; purpose?: string }> = [];
  private readonly routes = new Map<string, Handler>();

  constructor(private readonly pageSize = 2) {}

  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  async request<T>(route: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    this.calls.push({ route, params, purpose: options.purpose });
    const handler = this.routes.get(route);
    if (!handler) throw new GithubPermissionError(`${route} answered 404`, 404, route, undefined);
    return handler(params) as T;
  }

  async *paginate<T>(route: string, params: Record<string, unknown> = {}, options: PaginateOptions = {}): AsyncIterable<T[]> {
    const answer = await this.request<unknown>(route, params, options);
    const items = (options.itemsKey ? (answer as Record<string, unknown>)[options.itemsKey] : answer) as T[];
    for (let start = 0; start < items.length; start += this.pageSize) yield items.slice(start, start + this.pageSize);
  }
}
