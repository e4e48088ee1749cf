import { RepoRecord } from '../state';
import { TypedResolverError } from './errors';
import { search, SearchArgs, SearchResult } from './search';
import { ActorView, OrganizationView, RepositoryView, ViewContext } from './views';

/** The login an installation token acts as: its App's bot (the App's slug is `glint-sim`). */
const APP_BOT_LOGIN = 'glint-sim[bot]';

/** What `rateLimit` answers: the caller's GraphQL budget after this query, and the query's cost. */
export interface RateLimitView {
  cost: number;
  limit: number;
  remaining: number;
  used: number;
  resetAt: string;
  nodeCount: number;
}

/**
 * The `Query` type's fields. With `dryRun`, only `rateLimit` is answered (GitHub computes the cost without running
 * the query).
 */
export class QueryRoot {
  constructor(
    private readonly context: ViewContext,
    private readonly limit: RateLimitView | null,
    private readonly dryRun: boolean,
  ) {}

  rateLimit(): RateLimitView | null {
    return this.limit;
  }

  /** The token's user, or the App's bot for an installation token. */
  viewer(): ActorView | OrganizationView {
    const principal = this.context.principal;
    return this.context.actor(principal.kind === 'pat' ? principal.user.login : APP_BOT_LOGIN);
  }

  /** Organizations, repositories and users by their node id (pull requests and issues are not looked up). */
  node(args: { id: string }): ActorView | OrganizationView | RepositoryView | null {
    if (this.dryRun) return null;
    const match = /^0\d+:(Organization|Repository|User)(\d+)$/.exec(Buffer.from(args.id, 'base64').toString('utf8'));
    if (!match) return null;
    const databaseId = Number(match[2]);
    const { state } = this.context;
    if (match[1] === 'Repository') {
      const repo = state.reposById.get(databaseId);
      return repo && this.context.canSee(repo.ownerLogin) ? this.context.repository(repo) : null;
    }
    if (match[1] === 'Organization') {
      const org = state.organizations.find((candidate) => candidate.id === databaseId);
      return org && this.context.canSee(org.login) ? new OrganizationView(this.context, org) : null;
    }
    const user = [...state.users.values()].find((candidate) => candidate.id === databaseId);
    return user ? this.context.actor(user.login) : null;
  }

  nodes(args: { ids: string[] }): Array<ActorView | OrganizationView | RepositoryView | null> {
    return args.ids.map((id) => this.node({ id }));
  }

  organization(args: { login: string }): OrganizationView | null {
    if (this.dryRun) return null;
    const org = this.context.state.organization(args.login);
    if (!org || !this.context.canSee(org.login)) throw new TypedResolverError('NOT_FOUND', `Could not resolve to an Organization with the login of '${args.login}'.`);
    return new OrganizationView(this.context, org);
  }

  repositoryOwner(args: { login: string }): OrganizationView | null {
    const org = this.context.state.organization(args.login);
    return !this.dryRun && org && this.context.canSee(org.login) ? new OrganizationView(this.context, org) : null;
  }

  repository(args: { owner: string; name: string }): RepositoryView | null {
    if (this.dryRun) return null;
    const repo: RepoRecord | undefined = this.context.state.repo(args.owner, args.name);
    if (!repo || !this.context.canSee(repo.ownerLogin)) throw new TypedResolverError('NOT_FOUND', `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`);
    return this.context.repository(repo);
  }

  search(args: SearchArgs): SearchResult | null {
    return this.dryRun ? null : search(this.context, args);
  }
}
