import { Logger } from '@nestjs/common';
import { type FetchContext, GRAPHQL_PULL_REQUEST_FIELDS, GRAPHQL_REPOSITORY_FIELDS, repositoryFilters, type RepositoryType } from '@glint/github';
import { listingApiFor, type ResourceConfig } from '@glint/mapping';
import type { Selector } from './kind-module';

/**
 * How a resource is listed: REST; GraphQL giving REST's objects (chosen by itself when the mapping reads only fields
 * GraphQL supplies); or, with the peer integration's `api: graphql`, GraphQL giving the peer's GraphQL-shaped objects.
 */
export type ListingApi = { api: 'rest' } | { api: 'graphql'; shape: 'rest' | 'peer' };

const logger = new Logger('listing');

/** Fields added after the listing, whichever API listed it: `file://` properties' `__files`, `enrichWithFirstCommit`'s. */
const ADDED_AFTER_LISTING: Readonly<Record<'repository' | 'pull-request', (selector: Selector) => string[]>> = {
  repository: () => ['__files'],
  'pull-request': (selector) => ['__files', ...(selector['enrichWithFirstCommit'] === true ? ['firstCommit'] : [])],
};

const SUPPLIED: Readonly<Record<'repository' | 'pull-request', readonly string[]>> = {
  repository: GRAPHQL_REPOSITORY_FIELDS,
  'pull-request': GRAPHQL_PULL_REQUEST_FIELDS,
};

/**
 * The API a repository or pull-request listing uses, said once in the log with why. REST whenever GraphQL cannot give
 * the same: no GraphQL client, a listing narrowed to some repositories (a live event's), `repositoryType: member`,
 * a `repoSearch`, relations (repositories), or a mapping reading a field GraphQL does not supply or any field at all.
 */
export function listingApi(kind: 'repository' | 'pull-request', context: FetchContext, selector: Selector, resource: ResourceConfig | undefined): ListingApi {
  const requested = selector['api'];
  if (requested === 'rest') return said(kind, resource, { api: 'rest' }, "the selector says api: 'rest'");
  if (!context.graphql || context.repositories) return { api: 'rest' };
  const restBecause = restOnlyBecause(kind, selector);
  if (requested === 'graphql') {
    if (restBecause) return said(kind, resource, { api: 'rest' }, `api: 'graphql' is asked for, but ${restBecause}`);
    return said(kind, resource, { api: 'graphql', shape: 'peer' }, "the selector says api: 'graphql' (objects in GraphQL's shape, as the peer integration gives them)");
  }
  if (restBecause) return said(kind, resource, { api: 'rest' }, restBecause);
  if (!resource) return { api: 'rest' };
  const choice = listingApiFor(resource, [...SUPPLIED[kind], ...ADDED_AFTER_LISTING[kind](selector)]);
  if (choice.api === 'rest') return said(kind, resource, { api: 'rest' }, choice.reason);
  return said(kind, resource, { api: 'graphql', shape: 'rest' }, 'every field its mapping reads is one the GraphQL listing supplies');
}

function restOnlyBecause(kind: 'repository' | 'pull-request', selector: Selector): string | undefined {
  const type = selector['repositoryType'];
  if (typeof type === 'string' && repositoryFilters(type as RepositoryType) === undefined) return `repositoryType '${type}' has no GraphQL filter`;
  if (selector['repoSearch'] !== undefined) return 'repoSearch lists through GitHub’s REST search';
  if (kind === 'repository' && (selector['includedRelations'] !== undefined || selector['include'] !== undefined)) return 'includedRelations are read through REST';
  return undefined;
}

function said(kind: string, resource: ResourceConfig | undefined, choice: ListingApi, why: string): ListingApi {
  const blueprint = resource ? ` (blueprint ${resource.port.entity.mappings.blueprint})` : '';
  logger.log(`${kind} resource${blueprint}: listed through ${choice.api === 'rest' ? 'REST' : 'GraphQL'}: ${why}`);
  return choice;
}
