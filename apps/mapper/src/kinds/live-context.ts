import { FetchContext, GithubApiError, GithubObject, Repository, RepositorySelector } from '@glint/github';
import type { PortAppConfig, ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { LiveContext, LiveObject, missingFields, PayloadFirstKind } from './kind-module';
import { observedAtOf, PayloadOrdering, removedAtOf } from './payload-ordering';
import { ReadCoalescer } from './read-coalescer';
import { RepositoryEnrichments } from './repository-enrichments';

/** What the live events of a mapper process share: coalesced reads, payload order, repository enrichments. */
export class LiveReads {
  constructor(
    readonly reads = new ReadCoalescer(),
    readonly ordering = new PayloadOrdering(),
    readonly enrichments = new RepositoryEnrichments(),
    readonly now: () => Date = () => new Date(),
  ) {}

  contextOf(event: WebhookEvent, fetch: FetchContext, config: PortAppConfig): LiveContext {
    return new EventLiveContext(event, fetch, config, this);
  }
}

class EventLiveContext implements LiveContext {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly action: string | undefined;
  readonly repository: Repository | undefined;
  private readonly receivedAtMs: number;

  constructor(
    readonly event: WebhookEvent,
    readonly fetch: FetchContext,
    readonly config: PortAppConfig,
    private readonly shared: LiveReads,
  ) {
    this.payload = event.payload;
    this.action = typeof event.payload['action'] === 'string' ? event.payload['action'] : undefined;
    this.repository = repositoryOf(event.payload);
    const received = Date.parse(event.receivedAt);
    this.receivedAtMs = Number.isNaN(received) ? Infinity : received;
  }

  get enrichments(): RepositoryEnrichments {
    return this.shared.enrichments;
  }

  now(): Date {
    return this.shared.now();
  }

  deletedAt(known?: GithubObject): string {
    return removedAtOf(this.receivedAtMs, known?.['updated_at'], this.now().getTime());
  }

  enrichRepository = (object: GithubObject, resource: ResourceConfig): Promise<GithubObject> =>
    this.shared.enrichments.enrich(this.fetch, object as Repository, resource.selector as RepositorySelector);

  read(route: string, params: Record<string, unknown> = {}): Promise<GithubObject | null> {
    const repository = this.repository;
    const full = repository && route.includes('{owner}') ? { owner: repository.owner.login, repo: repository.name, ...params } : params;
    const key = `${this.fetch.organization} ${route} ${JSON.stringify(full)}`;
    return this.shared.reads.read(key, this.receivedAtMs, () => readOrGone(this.fetch, route, full));
  }

  async readKnown(route: string, params: Record<string, unknown> = {}): Promise<GithubObject | null> {
    const current = await this.read(route, params);
    return current && this.known(current);
  }

  async fromPayload({ kind, payloadFields }: PayloadFirstKind, object: GithubObject, reread: () => Promise<GithubObject | null>): Promise<LiveObject> {
    const updatedAt = object['updated_at'];
    const id = object['id'] ?? object['node_id'];
    const observedAt = typeof updatedAt === 'string' ? observedAtOf(updatedAt, this.now().getTime()) : undefined;
    const complete = observedAt !== undefined && id !== undefined && missingFields(object, payloadFields).length === 0;
    if (complete && this.shared.ordering.orderable(`${kind} ${this.fetch.organization} ${String(id)}`, updatedAt as string, object)) {
      return { kind, current: object, known: object, observedAt };
    }
    return { kind, current: await reread(), known: object };
  }

  known(object: GithubObject): GithubObject {
    return this.repository ? { ...object, __repository: this.repository.name, __organization: this.fetch.organization } : object;
  }
}

function repositoryOf(payload: Readonly<Record<string, unknown>>): Repository | undefined {
  const repository = payload['repository'] as Partial<Repository> | undefined;
  return typeof repository?.name === 'string' && typeof repository.owner?.login === 'string' ? (repository as Repository) : undefined;
}

/** The object as GitHub has it now (a conditional request when its ETag is known), or null when it is gone. */
async function readOrGone(context: FetchContext, route: string, params: Record<string, unknown>): Promise<GithubObject | null> {
  try {
    return await context.client.request<GithubObject>(route, params);
  } catch (error) {
    if (error instanceof GithubApiError && error.status === 404) return null;
    throw error;
  }
}
