import { Logger } from '@nestjs/common';
import { GithubPermissionError, GithubRestClient, readRepositoryFile, WebhookPayload } from '@glint/github';
import { BlueprintReference, JqEngine, MappingConfigError, MappingConfigSource, validateConfigFile } from '@glint/mapping';
import { annotationBatches, annotationsFor, CheckAnnotation, CheckedFile, checkRunOutput, CheckRunOutput, FileProblem } from './check-run-output';
import { ConfigFile, PullRequestFile, selectConfigFiles } from './config-files';
import { CHECKED_ACTIONS, PullRequestEvent, readPullRequestEvent } from './pull-request-event';

export const CHECK_RUN_NAME = 'Glint config validation';
/** The GitOps globs when the repository's mapping is itself invalid (its own check run says why). */
const DEFAULT_SPEC_PATH: readonly string[] = ['**/port.yml'];

/** Asks the catalog about blueprints (the lead's catalog client, e.g. through `validation_only`). */
export interface BlueprintLookup {
  /** Which of `ids` the catalog has no blueprint for; undefined when the catalog cannot tell. */
  missingBlueprints(ids: readonly string[]): Promise<readonly string[] | undefined>;
}

export interface ConfigCheckRunnerDependencies {
  jq: Pick<JqEngine, 'check'>;
  /** Where the repository's mapping comes from: its `specPath` says which files are GitOps files. */
  mappings: Pick<MappingConfigSource, 'forRepository'>;
  /** Without it, blueprints are not looked up. */
  blueprints?: BlueprintLookup;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

export type ConfigCheckOutcome =
  /** Nothing to check: an action that does not change the files, or no config file among the changes. No check run. */
  | { outcome: 'skipped'; reason: 'action' | 'no-config-files' }
  | { outcome: 'checked'; checkRunId: number; conclusion: 'success' | 'failure'; files: readonly CheckedFile[]; problems: readonly FileProblem[]; blueprintsChecked: boolean }
  /** GitHub refused (403/404) a call the check needs, most likely a missing App permission such as `Checks: write`. */
  | { outcome: 'not-permitted'; permission: string | undefined; message: string };

interface CheckRun {
  id: number;
}

/**
 * Validates the config files a pull request adds or changes (port-app-config.yml, port.yml) and reports the
 * result as a check run on its head commit: in progress, then success or failure with one annotation per
 * problem on its line.
 */
export class ConfigCheckRunner {
  private readonly logger: Pick<Logger, 'log' | 'warn'>;
  /** `owner:permission` pairs already logged as missing: the log says it once, not on every pull request. */
  private readonly reportedPermissions = new Set<string>();

  constructor(private readonly deps: ConfigCheckRunnerDependencies) {
    this.logger = deps.logger ?? new Logger('config-checks');
  }

  /** Handles a `pull_request` webhook (opened, synchronize, reopened) with a client of its installation. */
  async run(payload: WebhookPayload, client: GithubRestClient): Promise<ConfigCheckOutcome> {
    const event = readPullRequestEvent(payload);
    if (!CHECKED_ACTIONS.includes(event.action)) return { outcome: 'skipped', reason: 'action' };
    try {
      const files = selectConfigFiles(event.repository, await this.changedFiles(client, event), await this.specPath(client, event));
      if (files.length === 0) return { outcome: 'skipped', reason: 'no-config-files' };
      return await this.check(client, event, files);
    } catch (error) {
      if (error instanceof GithubPermissionError) return this.notPermitted(event, error);
      throw error;
    }
  }

  private async changedFiles(client: GithubRestClient, event: PullRequestEvent): Promise<PullRequestFile[]> {
    const files: PullRequestFile[] = [];
    const pages = client.paginate<PullRequestFile>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: event.owner, repo: event.repository, pull_number: event.number });
    for await (const page of pages) files.push(...page);
    return files;
  }

  private async specPath(client: GithubRestClient, event: PullRequestEvent): Promise<readonly string[]> {
    try {
      return (await this.deps.mappings.forRepository(client, event.owner, event.repository)).config.specPath;
    } catch (error) {
      if (error instanceof MappingConfigError) return DEFAULT_SPEC_PATH;
      throw error;
    }
  }

  private async check(client: GithubRestClient, event: PullRequestEvent, files: readonly ConfigFile[]): Promise<ConfigCheckOutcome> {
    const target = { owner: event.owner, repo: event.repository };
    const run = await client.request<CheckRun>('POST /repos/{owner}/{repo}/check-runs', {
      ...target,
      name: CHECK_RUN_NAME,
      head_sha: event.headSha,
      status: 'in_progress',
      output: { title: 'Validating config files', summary: `Checking ${files.map((file) => `\`${file.path}\``).join(', ')}.` },
    });
    try {
      const { checked, blueprintsChecked, notes } = await this.validate(client, event, files);
      const problems = checked.flatMap((file) => file.problems);
      const conclusion = problems.length === 0 ? 'success' : 'failure';
      await this.complete(client, event, run.id, conclusion, checkRunOutput(checked, notes), annotationsFor(checked));
      return { outcome: 'checked', checkRunId: run.id, conclusion, files: checked, problems, blueprintsChecked };
    } catch (error) {
      await this.abandon(client, event, run.id, error);
      throw error;
    }
  }

  private async validate(client: GithubRestClient, event: PullRequestEvent, files: readonly ConfigFile[]): Promise<{ checked: CheckedFile[]; blueprintsChecked: boolean; notes: string[] }> {
    const checked: CheckedFile[] = [];
    const references: Array<BlueprintReference & { file: CheckedFile; problems: FileProblem[] }> = [];
    for (const file of files) {
      const text = await readRepositoryFile(client, event.owner, event.repository, file.path, event.headSha);
      if (text === null) {
        checked.push({ ...file, found: false, problems: [] });
        continue;
      }
      const result = await validateConfigFile(file.path, text, this.deps.jq, file.kind);
      const problems: FileProblem[] = result.problems.map((problem) => ({ ...problem, file: file.path }));
      const entry: CheckedFile = { ...file, found: true, problems, warnings: result.warnings.map((warning) => ({ ...warning, file: file.path })) };
      checked.push(entry);
      references.push(...result.blueprints.map((reference) => ({ ...reference, file: entry, problems })));
    }
    const notes: string[] = [];
    const ids = [...new Set(references.map((reference) => reference.blueprint))];
    const missing = ids.length > 0 && this.deps.blueprints ? await this.missingBlueprints(ids) : undefined;
    if (ids.length > 0 && missing === undefined) notes.push('Blueprints were not checked: the catalog could not tell which exist.');
    for (const reference of references) {
      if (missing?.has(reference.blueprint)) {
        reference.problems.push({ file: reference.file.path, path: reference.path, line: reference.line, message: `the catalog has no blueprint ${JSON.stringify(reference.blueprint)}` });
      }
    }
    return { checked, blueprintsChecked: missing !== undefined, notes };
  }

  private async missingBlueprints(ids: readonly string[]): Promise<Set<string> | undefined> {
    try {
      const missing = await this.deps.blueprints?.missingBlueprints(ids);
      return missing === undefined ? undefined : new Set(missing);
    } catch (error) {
      // The files' own checks still stand; the catalog being away only leaves blueprints unchecked.
      this.logger.warn(`Could not look up blueprints ${ids.join(', ')} in the catalog: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Earlier batches of annotations go in updates while the run is in progress; the last one completes it. */
  private async complete(client: GithubRestClient, event: PullRequestEvent, id: number, conclusion: 'success' | 'failure', output: CheckRunOutput, annotations: readonly CheckAnnotation[]): Promise<void> {
    const route = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
    const target = { owner: event.owner, repo: event.repository, check_run_id: id };
    const batches = annotationBatches(annotations);
    for (const batch of batches.slice(0, -1)) await client.request(route, { ...target, output: { ...output, annotations: batch } });
    await client.request(route, { ...target, status: 'completed', conclusion, output: { ...output, annotations: batches[batches.length - 1] } });
  }

  /** A check run must not stay "in progress" forever when validation fails half-way; the event's retry makes a new one. */
  private async abandon(client: GithubRestClient, event: PullRequestEvent, id: number, error: unknown): Promise<void> {
    const cause = error instanceof Error ? error.message : String(error);
    try {
      await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner: event.owner,
        repo: event.repository,
        check_run_id: id,
        status: 'completed',
        conclusion: 'neutral',
        output: { title: 'Validation could not finish', summary: `Glint could not validate the config files: ${cause}` },
      });
    } catch (patchError) {
      this.logger.warn(`Check run ${id} on ${event.owner}/${event.repository}#${event.number} stays in progress: ${patchError instanceof Error ? patchError.message : String(patchError)}`);
    }
  }

  private notPermitted(event: PullRequestEvent, error: GithubPermissionError): ConfigCheckOutcome {
    const key = `${event.owner.toLowerCase()}:${error.permission ?? error.route}`;
    if (!this.reportedPermissions.has(key)) {
      this.reportedPermissions.add(key);
      this.logger.warn(
        `Config files of pull requests in ${event.owner} are not validated: ${error.message}. ` +
          `Grant the GitHub App ${error.permission ? `the '${error.permission}' permission` : 'access'} for check runs to appear (logged once per organization and permission).`,
      );
    }
    return { outcome: 'not-permitted', permission: error.permission, message: error.message };
  }
}
