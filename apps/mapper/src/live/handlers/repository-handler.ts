import type { FetchContext, Repository } from '@glint/github';
import type { LoadedMapping } from '@glint/mapping';
import type { HandlerResult, WebhookEvent } from '@glint/queue';
import type { EventKindHandler } from '../../events/event-router';
import type { ResyncRequester } from '../../sync/resync-scheduler';
import { fetchResource, LiveObject, REPOSITORY_SCOPED_KINDS } from '../../kinds';
import type { ObjectSync } from './object-sync';
import { payloadOf } from '../../events/webhook-payload';

/** Repository actions after which entities of the repository's other kinds may be orphaned or renamed. */
const REPOSITORY_CASCADES: ReadonlySet<string> = new Set(['deleted', 'renamed', 'transferred']);
/** Repository actions after which the repository's pull requests, branches, … enter the catalog, no event of their own saying so. */
const REPOSITORY_APPEARANCES: ReadonlySet<string> = new Set(['created', 'unarchived']);

/** A repository: its entity is synced, and what its other kinds' entities depend on it follows (a resync, or its contents). */
export class RepositoryHandler implements EventKindHandler {
  readonly events = ['repository'] as const;

  constructor(
    private readonly objects: ObjectSync,
    private readonly resyncs: ResyncRequester,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const payload = payloadOf(event, 'repository');
    if (!payload) return 'ignored';
    const scope = await this.objects.scopeOf(event);
    if (!scope) return 'ignored';
    const { action, repository } = payload;
    // The repository's pull requests, issues, branches… are keyed by its name: a resync replaces or removes them.
    const resyncRequested = REPOSITORY_CASCADES.has(action) && (await this.resyncs.request(scope.installation, `repository ${repository.name} ${action}`, 'follow-up'));
    const impliedObjects = REPOSITORY_APPEARANCES.has(action) ? (loaded: LoadedMapping) => contentsOfRepository(repository, scope.context, loaded) : undefined;
    return this.objects.sync(event, scope, { resyncRequested, impliedObjects });
  }
}

/** A repository that appeared: its objects of every repository-scoped resource, listed as a resync would list them. */
async function contentsOfRepository(repository: Repository, context: FetchContext, loaded: LoadedMapping): Promise<LiveObject[]> {
  const objects: LiveObject[] = [];
  const scoped: FetchContext = { ...context, repositories: [repository] };
  for (const [index, resource] of loaded.config.resources.entries()) {
    if (!REPOSITORY_SCOPED_KINDS.has(resource.kind)) continue;
    for await (const page of fetchResource(scoped, resource, loaded.config)) {
      for (const item of page) objects.push({ kind: resource.kind, current: item, known: item, resourceIndex: index });
    }
  }
  return objects;
}
