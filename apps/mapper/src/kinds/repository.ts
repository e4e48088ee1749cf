import { fetchRepositories, fetchRepositoriesChangedSinceGraphql, fetchRepositoriesGraphql, GithubObject, Repository } from '@glint/github';
import { payloadOf } from '../events/webhook-payload';
import { listingApi } from './listing-api';
import { KindModule, PayloadFirstKind, LiveContext, LiveObject } from './kind-module';
import { changedPaths, pushedBranch } from './push-paths';

const REPOSITORY_GONE = new Set(['deleted', 'archived']);

/**
 * A `repository` payload's object is the REST repository, ordered by `updated_at`. Its enrichment (`includedFiles`,
 * `includedRelations`) comes from the enrichment cache. A push to the default branch that changes an included file
 * re-reads the repository (a push payload's repository is not the REST one: `pushed_at` is a Unix number there).
 */
export const repositoryKind: KindModule & PayloadFirstKind = {
  kind: 'repository',
  repositoryScoped: false,
  list: async function* (context, selector, resource) {
    if (listingApi('repository', context, selector, resource).api === 'graphql') {
      yield* fetchRepositoriesGraphql(context, selector);
      return;
    }
    // Archived repositories are not catalogued: archiving one deletes its entity.
    for await (const page of fetchRepositories(context, selector)) yield page.filter((repository) => repository['archived'] !== true);
  },
  // The organization's listing costs nothing when no repository changed (304); only the changed ones are enriched.
  // Archived ones stay in: `keeps` says false, so an incremental resync deletes their entities.
  listChangedSince: async function* (context, selector, since, resource) {
    if (listingApi('repository', context, selector, resource).api === 'graphql') {
      yield* fetchRepositoriesChangedSinceGraphql(context, selector, since);
      return;
    }
    const { includedFiles: _files, includedRelations: _relations, include: _include, ...listing } = selector;
    for await (const page of fetchRepositories(context, listing)) {
      const changed = page.filter((repository) => changedSince(repository, since));
      if (changed.length > 0) yield* fetchRepositories({ ...context, repositories: changed }, selector);
    }
  },
  liveEvents: ['repository', 'push'],
  // The shipped mapping's fields, the `repositoryType` and archive filters, identity and order.
  payloadFields: ['id', 'name', 'owner.login', 'updated_at', 'description', 'private', 'visibility', 'fork', 'archived', 'default_branch', 'html_url', 'language'],
  liveObjects: (live) => (live.event.event === 'push' ? pushedRepository(live) : changedRepository(live)),
  keeps: (_selector, object) => object['archived'] !== true,
};

async function changedRepository(live: LiveContext): Promise<LiveObject[]> {
  const repository = live.repository;
  if (!repository) return [];
  const enrich = live.enrichRepository;
  const action = live.action ?? '';
  const objects: LiveObject[] = [];
  if (action === 'deleted') objects.push({ kind: 'repository', current: null, known: repository, observedAt: live.deletedAt(repository) });
  else {
    const object = await live.fromPayload(repositoryKind, repository, () => live.read('GET /repos/{owner}/{repo}'));
    const gone = REPOSITORY_GONE.has(action);
    objects.push({ ...object, current: gone ? null : object.current, known: repository, enrich, ...(gone ? { observedAt: live.deletedAt(repository) } : {}) });
  }
  const payload = payloadOf(live.event, 'repository');
  const previousName = payload?.action === 'renamed' ? payload.changes.repository.name.from : undefined;
  if (previousName) {
    const renamed: GithubObject = { ...repository, name: previousName, full_name: `${repository.owner.login}/${previousName}` };
    objects.push({ kind: 'repository', current: null, known: renamed, observedAt: objects[0]?.observedAt });
  }
  return objects;
}

async function pushedRepository(live: LiveContext): Promise<LiveObject[]> {
  const repository = live.repository;
  if (!repository || pushedBranch(live.payload) !== repository.default_branch) return [];
  const changed = new Set(changedPaths(live.payload));
  const included = live.config.resources.filter((resource) => resource.kind === 'repository').flatMap((resource) => includedFilesOf(resource.selector));
  if (!included.some((path) => changed.has(path))) return [];
  live.enrichments.filesChanged(live.fetch.organization, repository.name);
  const current = await live.read('GET /repos/{owner}/{repo}');
  return [{ kind: 'repository', current: current as Repository | null, known: repository, enrich: live.enrichRepository }];
}

/** Updated (settings, archive, rename) or pushed to (its included files may differ) at or after `since`. */
function changedSince(repository: Repository, since: Date): boolean {
  return [repository['updated_at'], repository['pushed_at']].some((time) => typeof time === 'string' && Date.parse(time) >= since.getTime());
}

function includedFilesOf(selector: Readonly<Record<string, unknown>>): string[] {
  const files = selector['includedFiles'];
  return Array.isArray(files) ? files.filter((file): file is string => typeof file === 'string') : [];
}
