import {
  type FetchContext,
  fetchFileOfEachRepository,
  fetchRepositoriesChangedSinceGraphql,
  fetchRepositoriesGraphql,
  GithubApiError,
  readRepositoryFile,
  type Repository,
  type RepositoryFile,
  repositoryFilters,
  type RepositoryType,
} from '@glint/github';
import { type LoadedMapping, MappingConfigError, type MappingConfigSource, REPO_CONFIG_PATH } from '@glint/mapping';
import { errorMessage } from '@glint/runtime';
import { ORGANIZATION_LEVEL } from '../kinds';

/** A repository mapped with its own `.github/port-app-config.yml` instead of the organization's. */
export interface OwnMapping {
  repository: Repository;
  loaded: LoadedMapping;
  /** Indexes of its resources a repository's mapping can hold (every kind but the organization's own). */
  resourceIndexes: number[];
  /** Resources of organization-level kinds, which only the organization's mapping maps: `resources[i] (kind)`. */
  ignoredResources: string[];
}

/** A repository whose own mapping could not be used: the resync leaves it out, and its entities stay. */
export interface UnusableMapping {
  repository: string;
  file: string;
  error: string;
}

export interface RepositoryMappings {
  own: OwnMapping[];
  unusable: UnusableMapping[];
  /** Whether the organization's mapping leaves the repository to its own (valid or not). */
  separate: (repository: Repository) => boolean;
}

/** Every repository's `.github/port-app-config.yml` text on its default branch (null: none), page by page. */
export type OwnMappingFiles = (context: FetchContext, repositoryType: RepositoryType | undefined) => AsyncIterable<RepositoryFile[]>;

/**
 * Reads the files as blobs of the GraphQL repository listing when GraphQL serves the repository type: one query per
 * 100 repositories, where the contents API costs a request per repository every resync (a 404 is never answered from
 * the ETag cache, and most repositories have no such file). Otherwise, and without a GraphQL client, through REST.
 */
export const readOwnMappingFiles: OwnMappingFiles = (context, repositoryType) =>
  context.graphql && repositoryFilters(repositoryType) && !context.repositories
    ? filesOfGraphqlListing(context, repositoryType)
    : fetchFileOfEachRepository(context, REPO_CONFIG_PATH, repositoryType);

/**
 * The files an incremental resync needs, when GraphQL serves the repository type: only a repository pushed to or
 * updated since `since` can have gained, changed or lost its file, so those are read from the changed-since listing
 * (blobs in the same query) and the repositories that had one at the last complete resync (`known`, valid or not)
 * from the contents API, whose unchanged answers the ETag cache makes free. Otherwise, every repository's.
 */
export function ownMappingFilesChangedSince(since: Date, known: readonly string[]): OwnMappingFiles {
  return (context, repositoryType) =>
    context.graphql && repositoryFilters(repositoryType) && !context.repositories
      ? changedAndKnownFiles(context, repositoryType, since, known)
      : readOwnMappingFiles(context, repositoryType);
}

async function* changedAndKnownFiles(context: FetchContext, repositoryType: RepositoryType | undefined, since: Date, known: readonly string[]): AsyncIterable<RepositoryFile[]> {
  const seen = new Set<string>();
  const listing = fetchRepositoriesChangedSinceGraphql({ ...context, skipsRepository: undefined }, { repositoryType, includedFiles: [REPO_CONFIG_PATH] }, since);
  for await (const page of listing) {
    for (const repository of page) seen.add(repository.name.toLowerCase());
    // The full listing leaves archived repositories out: so does this one.
    const live = page.filter((repository) => repository['archived'] !== true);
    if (live.length > 0) yield live.map((repository) => ({ repository, text: includedFileOf(repository) }));
  }
  for (const name of known) {
    if (seen.has(name.toLowerCase())) continue;
    try {
      const repository = await context.client.request<Repository>('GET /repos/{owner}/{repo}', { owner: context.organization, repo: name });
      if (repository['archived'] === true) continue;
      yield [{ repository, text: await readRepositoryFile(context.client, context.organization, repository.name, REPO_CONFIG_PATH) }];
    } catch (error) {
      // Deleted or transferred since: it has no mapping here any more.
      if (error instanceof GithubApiError && error.status === 404) continue;
      if (!context.onRepositoryError) throw error;
      context.onRepositoryError({ name, owner: { login: context.organization }, full_name: `${context.organization}/${name}`, default_branch: '' }, error);
    }
  }
}

async function* filesOfGraphqlListing(context: FetchContext, repositoryType: RepositoryType | undefined): AsyncIterable<RepositoryFile[]> {
  const listing = fetchRepositoriesGraphql({ ...context, skipsRepository: undefined }, { repositoryType, includedFiles: [REPO_CONFIG_PATH] });
  for await (const page of listing) {
    yield page.map((repository) => ({ repository, text: includedFileOf(repository) }));
  }
}

function includedFileOf(repository: Repository): string | null {
  const included = repository['__includedFiles'];
  if (typeof included !== 'object' || included === null) return null;
  const text: unknown = Object.getOwnPropertyDescriptor(included, REPO_CONFIG_PATH)?.value;
  return typeof text === 'string' ? text : null;
}

const REPOSITORY_TYPES: readonly RepositoryType[] = ['all', 'public', 'private', 'forks', 'sources', 'member'];

/** The mapping's `repositoryType` as the repository listing takes it; the mapping's schema admits no other value. */
function repositoryTypeOf(loaded: LoadedMapping): RepositoryType | undefined {
  return REPOSITORY_TYPES.find((type) => type === loaded.config.repositoryType);
}

/**
 * Which repositories of the organization (of its mapping's `repositoryType`) have a mapping of their own: read once a
 * resync, so a file changed while no webhook reached this pod is still seen. An invalid file, or one that could not
 * be read, leaves its repository out with the reason: neither its own mapping nor the organization's would be right.
 */
export async function findRepositoryMappings(
  context: FetchContext,
  organization: LoadedMapping,
  source: Pick<MappingConfigSource, 'forRepository'>,
  files: OwnMappingFiles = readOwnMappingFiles,
): Promise<RepositoryMappings> {
  const own: OwnMapping[] = [];
  const unusable: UnusableMapping[] = [];
  const unreadable = (repository: Repository, error: unknown) =>
    unusable.push({ repository: repository.name, file: fileOf(context, repository), error: `could not be read: ${errorMessage(error)}` });
  for await (const page of files({ ...context, onRepositoryError: unreadable }, repositoryTypeOf(organization))) {
    for (const { repository, text } of page) {
      // Also for a repository without a file (text null): live events then know it has none without asking GitHub.
      try {
        const loaded = await source.forRepository(context.client, context.organization, repository.name, text);
        if (loaded.source.kind === 'repository') own.push({ repository, loaded, ...resourcesOf(loaded) });
      } catch (error) {
        if (!(error instanceof MappingConfigError)) throw error;
        unusable.push({ repository: repository.name, file: error.file, error: error.message });
      }
    }
  }
  const separate = new Set([...own.map((entry) => entry.repository.name), ...unusable.map((entry) => entry.repository)].map((name) => name.toLowerCase()));
  return { own, unusable, separate: (repository) => separate.has(repository.name.toLowerCase()) };
}

function resourcesOf(loaded: LoadedMapping): Pick<OwnMapping, 'resourceIndexes' | 'ignoredResources'> {
  const resourceIndexes: number[] = [];
  const ignoredResources: string[] = [];
  for (const [index, resource] of loaded.config.resources.entries()) {
    if (ORGANIZATION_LEVEL.has(resource.kind)) ignoredResources.push(`resources[${index}] (${resource.kind})`);
    else resourceIndexes.push(index);
  }
  return { resourceIndexes, ignoredResources };
}

function fileOf(context: FetchContext, repository: Repository): string {
  return `${context.organization}/${repository.name}:${REPO_CONFIG_PATH}`;
}
