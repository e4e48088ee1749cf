import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GithubRestClient, readRepositoryFile } from '@glint/github';
import type { JqEngine } from '../jq/jq-engine';
import { ConfigProblem, formatProblem, PortAppConfig } from './app-config.types';
import { parseAppConfig } from './parse-app-config';

/** The organization-wide mapping lives in this repository, at the root or under `.github/`. */
export const ORG_CONFIG_REPOSITORY = '.github-private';
export const ORG_CONFIG_PATHS = ['port-app-config.yml', '.github/port-app-config.yml'] as const;
/** A repository's own mapping, overriding the organization's for that repository. */
export const REPO_CONFIG_PATH = '.github/port-app-config.yml';

export interface MappingSource {
  kind: 'organization' | 'repository' | 'default';
  /** `owner/repo:path` of the file, when the mapping came from one. */
  file?: string;
}

export interface LoadedMapping {
  config: PortAppConfig;
  source: MappingSource;
}

/** A mapping file that exists but is invalid. Nothing falls back to the default then: that could delete entities. */
export class MappingConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${file} is not a valid mapping:\n${problems.map((problem) => `  - ${formatProblem(problem)}`).join('\n')}`);
    this.name = 'MappingConfigError';
  }
}

/** What a push event says about which files changed on which branch. */
export interface PushSummary {
  owner: string;
  repository: string;
  ref: string;
  defaultBranch: string;
  changedPaths: readonly string[];
}

export function defaultMappingYaml(): string {
  return readFileSync(join(__dirname, '../defaults/port-app-config.yml'), 'utf8');
}

/**
 * Where each organization's and repository's mapping comes from: `<org>/.github-private` (root or `.github/`),
 * overridden per repository by its `.github/port-app-config.yml`, default branch only, else the shipped default.
 * Results are cached until a push to a default branch changes one of those files.
 */
export class MappingConfigSource {
  private readonly cache = new Map<string, Promise<LoadedMapping>>();
  private defaultMapping?: Promise<LoadedMapping>;

  constructor(
    private readonly jq: Pick<JqEngine, 'check'>,
    private readonly defaultYaml: string = defaultMappingYaml(),
  ) {}

  forOrganization(client: GithubRestClient, organization: string): Promise<LoadedMapping> {
    return this.cached(organization.toLowerCase(), async () => {
      for (const path of ORG_CONFIG_PATHS) {
        const loaded = await this.fromFile(client, organization, ORG_CONFIG_REPOSITORY, path, 'organization');
        if (loaded) return loaded;
      }
      return this.fallback();
    });
  }

  /**
   * The mapping of one repository's objects: its own `.github/port-app-config.yml` (default branch) when it has one,
   * which replaces the organization's for them, else the organization's. `ownText`: the file's text when the caller
   * already read it (null: the repository has none), e.g. a resync reading every repository's; it replaces what is
   * cached. Throws MappingConfigError when the repository's own file is invalid: its objects are not mapped then.
   */
  forRepository(client: GithubRestClient, organization: string, repository: string, ownText?: string | null): Promise<LoadedMapping> {
    const key = `${organization}/${repository}`.toLowerCase();
    if (ownText !== undefined) return this.cached(key, () => this.repositoryMapping(client, organization, repository, ownText), { replace: true });
    return this.cached(key, async () =>
      this.repositoryMapping(client, organization, repository, isOrganizationRepository(repository) ? null : await readRepositoryFile(client, organization, repository, REPO_CONFIG_PATH)),
    );
  }

  /** Drops what a push to a default branch changed; true when a mapping changed (a resync is due). */
  invalidate(push: PushSummary): boolean {
    if (push.ref !== `refs/heads/${push.defaultBranch}`) return false;
    const owner = push.owner.toLowerCase();
    const repository = push.repository.toLowerCase();
    const touches = (paths: readonly string[]) => push.changedPaths.some((path) => paths.includes(path));
    if (repository === ORG_CONFIG_REPOSITORY && touches(ORG_CONFIG_PATHS)) {
      for (const key of [...this.cache.keys()]) if (key === owner || key.startsWith(`${owner}/`)) this.cache.delete(key);
      return true;
    }
    if (touches([REPO_CONFIG_PATH])) {
      this.cache.delete(`${owner}/${repository}`);
      return true;
    }
    return false;
  }

  /** `.github-private` holds the organization's mapping: its `.github/port-app-config.yml` is not a repository's own. */
  private async repositoryMapping(client: GithubRestClient, organization: string, repository: string, ownText: string | null): Promise<LoadedMapping> {
    if (ownText === null || isOrganizationRepository(repository)) return this.forOrganization(client, organization);
    return this.parsed(ownText, `${organization}/${repository}:${REPO_CONFIG_PATH}`, 'repository');
  }

  private cached(key: string, load: () => Promise<LoadedMapping>, options: { replace?: boolean } = {}): Promise<LoadedMapping> {
    let entry = options.replace ? undefined : this.cache.get(key);
    if (!entry) {
      entry = load();
      this.cache.set(key, entry);
      // A failed load (GitHub unreachable, invalid file) is not remembered: the next call tries again.
      entry.catch(() => this.cache.get(key) === entry && this.cache.delete(key));
    }
    return entry;
  }

  private async fromFile(client: GithubRestClient, owner: string, repo: string, path: string, kind: MappingSource['kind']): Promise<LoadedMapping | undefined> {
    const text = await readRepositoryFile(client, owner, repo, path);
    if (text === null) return undefined;
    return this.parsed(text, `${owner}/${repo}:${path}`, kind);
  }

  private async parsed(text: string, file: string, kind: MappingSource['kind']): Promise<LoadedMapping> {
    const parsed = await parseAppConfig(text, this.jq);
    if (!parsed.ok) throw new MappingConfigError(file, parsed.problems);
    return { config: parsed.config, source: { kind, file } };
  }

  private fallback(): Promise<LoadedMapping> {
    this.defaultMapping ??= parseAppConfig(this.defaultYaml, this.jq).then((parsed) => {
      if (!parsed.ok) throw new MappingConfigError('the shipped default mapping', parsed.problems);
      return { config: parsed.config, source: { kind: 'default' as const } };
    });
    return this.defaultMapping;
  }
}

function isOrganizationRepository(repository: string): boolean {
  return repository.toLowerCase() === ORG_CONFIG_REPOSITORY;
}
