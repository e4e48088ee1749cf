import type { GithubAccess } from '@glint/github';

/** The same access without a GraphQL client: every listing goes through REST (and its ETag cache and core budget). */
export function restOnlyAccess(access: GithubAccess): GithubAccess {
  return {
    installations: () => access.installations(),
    clientFor: (id) => access.clientFor(id),
    appClient: () => access.appClient(),
    stats: () => access.stats(),
    rateLimits: async (id) => (await access.rateLimits?.(id)) ?? {},
  };
}
