import picomatch from 'picomatch';
import { GithubPermissionError, GithubRestClient, parseContent, patternAppliesTo, readRepositoryFile, WebhookPayload } from '@glint/github';
import { JqEngine, MappedEntity, MappingConfigError, MappingConfigSource, ResourceConfig, ResourceMapper } from '@glint/mapping';
import { CatalogApiError, CatalogClient } from '@glint/catalog-client';
import type { PullRequestFile } from './config-files';
import { CHECKED_ACTIONS, readPullRequestEvent } from './pull-request-event';

/** The check run's name, as the peer names it. */
export const FILE_CHECK_RUN_NAME = 'File Kind validation';

/** Whether the catalog would take an entity: the catalog's `validation_only` write. */
export interface EntityValidator {
  /** Why the catalog refuses the entity, or undefined when it takes it. */
  refusal(entity: MappedEntity): Promise<string | undefined>;
}

export interface FileValidationDependencies {
  jq: Pick<JqEngine, 'evaluate'>;
  mappings: Pick<MappingConfigSource, 'forRepository'>;
  /** Without it, entities are only mapped (jq, identifier, blueprint), not checked against the catalog. */
  validator?: EntityValidator;
}

export interface ValidatedFile {
  path: string;
  checkRunId: number;
  conclusion: 'success' | 'failure';
  errors: string[];
}

export type FileValidationOutcome =
  /** An action that does not change the files, no file pattern with `validationCheck`, or no changed file matching one. */
  | { outcome: 'skipped' }
  | { outcome: 'checked'; files: ValidatedFile[] }
  | { outcome: 'not-permitted'; message: string };

interface FilePatternSettings {
  path: string;
  organization?: string;
  repos?: ReadonlyArray<{ name: string }>;
  skipParsing?: boolean;
  validationCheck?: boolean;
}

/**
 * `validationCheck: true` on a file pattern: each file a pull request adds or changes that the pattern matches is
 * read at the head commit, mapped with its resource's mapping, and (with a validator) checked by the catalog without
 * being written. One check run per file says whether its entity would be taken, and why not.
 */
export class FileValidationRunner {
  constructor(private readonly deps: FileValidationDependencies) {}

  async run(payload: WebhookPayload, client: GithubRestClient): Promise<FileValidationOutcome> {
    const event = readPullRequestEvent(payload);
    if (!CHECKED_ACTIONS.includes(event.action)) return { outcome: 'skipped' };
    try {
      const resources = await this.validatedResources(client, event.owner, event.repository);
      if (resources.length === 0) return { outcome: 'skipped' };
      const changed = (await this.changedFiles(client, event.owner, event.repository, event.number)).filter((file) => file.status !== 'removed');
      const files: ValidatedFile[] = [];
      for (const { resource, index, patterns } of resources) {
        for (const pattern of patterns.filter((candidate) => appliesToRepository(candidate, event.owner, event.repository))) {
          const matches = picomatch(pattern.path, { dot: true, nocase: true });
          for (const file of changed.filter((candidate) => matches(candidate.filename))) {
            const text = await readRepositoryFile(client, event.owner, event.repository, file.filename, event.headSha);
            if (text === null) continue;
            const object = {
              organization: event.owner,
              repository: payload['repository'],
              branch: headBranchOf(payload),
              path: file.filename,
              name: file.filename.split('/').pop(),
              content: pattern.skipParsing ? text : parseContent(file.filename, text),
              metadata: { path: file.filename, type: 'blob' },
            };
            const errors = await this.errorsOf(new ResourceMapper(resource, index, this.deps.jq), object);
            files.push(await this.report(client, event.owner, event.repository, event.headSha, file.filename, errors));
          }
        }
      }
      return files.length === 0 ? { outcome: 'skipped' } : { outcome: 'checked', files };
    } catch (error) {
      if (error instanceof GithubPermissionError) return { outcome: 'not-permitted', message: error.message };
      throw error;
    }
  }

  /** The repository's file resources with patterns asking for the check (an invalid mapping has its own check run). */
  private async validatedResources(client: GithubRestClient, owner: string, repository: string): Promise<Array<{ resource: ResourceConfig; index: number; patterns: FilePatternSettings[] }>> {
    let resources: readonly ResourceConfig[];
    try {
      resources = (await this.deps.mappings.forRepository(client, owner, repository)).config.resources;
    } catch (error) {
      if (error instanceof MappingConfigError) return [];
      throw error;
    }
    return resources.flatMap((resource, index) => {
      if (resource.kind !== 'file') return [];
      const patterns = patternsOf(resource).filter((pattern) => pattern.validationCheck === true && patternAppliesTo(pattern, owner));
      return patterns.length > 0 ? [{ resource, index, patterns }] : [];
    });
  }

  private async changedFiles(client: GithubRestClient, owner: string, repo: string, number: number): Promise<PullRequestFile[]> {
    const files: PullRequestFile[] = [];
    for await (const page of client.paginate<PullRequestFile>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner, repo, pull_number: number })) files.push(...page);
    return files;
  }

  private async errorsOf(mapper: ResourceMapper, object: Record<string, unknown>): Promise<string[]> {
    const result = await mapper.map([object]);
    const errors = [...result.skipped, ...result.fieldErrors].map((issue) => `${issue.path}: ${issue.message}`);
    if (result.filtered > 0) errors.push('the resource’s selector query leaves this file out, so no entity is made of it');
    for (const entity of result.entities) {
      const refusal = await this.deps.validator?.refusal(entity);
      if (refusal) errors.push(`${entity.blueprint}/${typeof entity.identifier === 'string' ? entity.identifier : JSON.stringify(entity.identifier)}: ${refusal}`);
    }
    return errors;
  }

  private async report(client: GithubRestClient, owner: string, repo: string, headSha: string, path: string, errors: string[]): Promise<ValidatedFile> {
    const run = await client.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo,
      name: FILE_CHECK_RUN_NAME,
      head_sha: headSha,
      status: 'in_progress',
      output: { title: 'Validating file kind changes', summary: `Checking \`${path}\` against its file resource's mapping.` },
    });
    const conclusion = errors.length === 0 ? 'success' : 'failure';
    await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: run.id,
      status: 'completed',
      conclusion,
      output:
        conclusion === 'success'
          ? { title: 'File validation passed', summary: `\`${path}\` maps to a valid entity.`, text: 'All files passed validation' }
          : { title: 'File validation failed', summary: `Found ${errors.length} validation error${errors.length === 1 ? '' : 's'} in \`${path}\``, text: errors.join('\n') },
    });
    return { path, checkRunId: run.id, conclusion, errors };
  }
}

/** The resource's `files` patterns (the mapping schema has checked their shape). */
function patternsOf(resource: ResourceConfig): FilePatternSettings[] {
  const files = resource.selector['files'];
  if (!Array.isArray(files)) return [];
  return files.filter((entry): entry is FilePatternSettings => typeof entry === 'object' && entry !== null && typeof entry.path === 'string');
}

function appliesToRepository(pattern: FilePatternSettings, owner: string, repository: string): boolean {
  return patternAppliesTo(pattern, owner) && (!pattern.repos?.length || pattern.repos.some((ref) => ref.name.toLowerCase() === repository.toLowerCase()));
}

function headBranchOf(payload: WebhookPayload): string | undefined {
  const pullRequest = payload['pull_request'];
  const head = typeof pullRequest === 'object' && pullRequest !== null && 'head' in pullRequest ? pullRequest.head : undefined;
  return typeof head === 'object' && head !== null && 'ref' in head && typeof head.ref === 'string' ? head.ref : undefined;
}

/**
 * The catalog's answer to the entity written with `validation_only` (nothing is stored): why it refuses it, or
 * undefined. An unavailable catalog throws, so the check is retried rather than failing the pull request.
 */
export async function validationRefusal(catalog: Pick<CatalogClient, 'upsertEntity'>, entity: MappedEntity): Promise<string | undefined> {
  try {
    await catalog.upsertEntity(entity, { validationOnly: true, merge: true, createMissingRelatedEntities: false, owner: { installation: 'validation', origin: 'exporter' } });
    return undefined;
  } catch (error) {
    if (error instanceof CatalogApiError && !error.unavailable) return error.apiMessage ?? error.message;
    throw error;
  }
}
