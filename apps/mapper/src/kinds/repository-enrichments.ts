import { enrichRepository, FetchContext, GithubObject, relationsOf, Repository, RepositorySelector } from '@glint/github';

type Part = 'files' | 'relations';

interface Entry {
  fields: GithubObject;
  expiresAtMs: number;
}

const ADDED_FIELDS: Record<Part, readonly string[]> = {
  files: ['__includedFiles'],
  relations: ['__teams', '__collaborators', 'custom_properties', '__sbom', '__pages'],
};

/**
 * What a repository resource adds to a repository (`includedFiles`, `includedRelations`), kept per repository so that a
 * live repository event does not read README, CODEOWNERS, teams… again. An entry is dropped when an event says it
 * changed (a push to the default branch touching an included file; a `team`, `membership`, `member` or `repository`
 * event for relations) and after `ttlMs` at the latest, since another mapper process may have seen that event.
 */
export class RepositoryEnrichments {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly capacity = 10_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async enrich(context: FetchContext, repository: Repository, selector: RepositorySelector): Promise<Repository> {
    const files = selector.includedFiles?.length ? await this.part('files', context, repository, { includedFiles: selector.includedFiles }) : {};
    const relations = relationsOf(selector).size > 0 ? await this.part('relations', context, repository, { includedRelations: selector.includedRelations, include: selector.include }) : {};
    return { ...repository, ...files, ...relations };
  }

  filesChanged(organization: string, repository: string): void {
    this.dropWhere((key) => key.startsWith(`files ${keyOf(organization, repository)} `));
  }

  /** `repository` absent: every repository of the organization (a team's repositories are not in its event). */
  relationsChanged(organization: string, repository?: string): void {
    const prefix = repository === undefined ? `relations ${organization.toLowerCase()}/` : `relations ${keyOf(organization, repository)} `;
    this.dropWhere((key) => key.startsWith(prefix));
  }

  private async part(part: Part, context: FetchContext, repository: Repository, selector: RepositorySelector): Promise<GithubObject> {
    const key = `${part} ${keyOf(context.organization, repository.name)} ${JSON.stringify(selector)}`;
    const cached = this.entries.get(key);
    if (cached && cached.expiresAtMs > this.nowMs()) return cached.fields;
    const enriched = await enrichRepository(context, repository, selector);
    const fields = Object.fromEntries(ADDED_FIELDS[part].filter((field) => field in enriched).map((field) => [field, enriched[field]]));
    this.entries.delete(key);
    this.entries.set(key, { fields, expiresAtMs: this.nowMs() + this.ttlMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return fields;
  }

  private dropWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}

function keyOf(organization: string, repository: string): string {
  return `${organization}/${repository}`.toLowerCase();
}
