import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type FetchContext, type GithubAccess, type GithubInstallation, PageRequestTimes, type Repository } from '@glint/github';
import type { MappingConfigSource, PortAppConfig } from '@glint/mapping';
import type { PublishProducer, PublishSettings } from '@glint/queue';
import { addLogContext, errorMessage } from '@glint/runtime';
import { EntityMapping, publishSettingsOf } from '../mapping/entity-mapping';
import { withReferencedFiles } from '../mapping/referenced-files';
import { organizationIncluded } from '../mapping/synced-accounts';
import { fetchResource } from '../kinds';
import { pageBatches } from './page-batches';
import { resourceLanes } from './resource-lanes';
import type { SyncMetrics } from './sync-metrics';
import type { KindProgress, SyncStatus, SyncStatusStore } from './sync-status';

export interface ResyncDependencies {
  access: GithubAccess;
  mappingSource: MappingConfigSource;
  mapping: EntityMapping;
  producer: PublishProducer;
  status: SyncStatusStore;
  metrics: SyncMetrics;
  sendRawDataExamples: boolean;
  now?: () => Date;
  /**
   * How many repositories a repository-scoped listing reads at once (GITHUB_MAX_CONCURRENCY); one after another when
   * absent. The GitHub client's shared limits keep the installation's requests within GitHub's, whatever this is.
   */
  githubConcurrency?: number;
}

const RAW_EXAMPLES_PER_KIND = 5;
/**
 * Objects mapped and published together. Kinds listed per repository arrive a few objects a page; batching them
 * turns one jq call, publish job and catalog call per repository into one per hundred objects.
 */
export const RESYNC_BATCH_OBJECTS = 100;
/** How far GitHub's clock, which stamps `updated_at`, may be behind this machine's. */
const CLOCK_SKEW_MARGIN_MS = 1_000;
/** The status in Redis is saved again after this many more listing pages. */
const STATUS_SAVE_EVERY_PAGES = 50;
/** Repositories of one kind whose failure the status names; the rest are counted. */
export const FAILED_REPOSITORIES_LISTED = 20;

/**
 * One installation's full resync: every resource of its mapping, streamed page by page from GitHub, mapped and
 * handed to the publisher under one sync id; then the sync's completion, which lets the publisher delete stale
 * entities only if every resource finished without error. Resources of different blueprints run side by side
 * (`resourceLanes`), and repository-scoped kinds read `githubConcurrency` repositories at once; a repository whose
 * listing fails is recorded with its error while the others are still listed, and leaves the resync incomplete.
 */
export class ResyncRunner {
  private readonly logger = new Logger('resync');

  constructor(private readonly deps: ResyncDependencies) {}

  /**
   * `overtakenBy`: the change a resync was asked for while this one ran, if any; its listing may predate that change,
   * so it does not count as complete for the stale cleanup, which the follow-up resync does.
   */
  async run(installation: GithubInstallation, reason: string, overtakenBy: () => Promise<string | undefined> = async () => undefined): Promise<SyncStatus> {
    const now = this.deps.now ?? (() => new Date());
    const startedAt = now();
    const installationId = String(installation.id);
    const status: SyncStatus = {
      installationId,
      organization: installation.accountLogin,
      syncId: `${installationId}-${startedAt.getTime()}-${randomUUID().slice(0, 8)}`,
      reason,
      state: 'running',
      startedAt: startedAt.toISOString(),
      kinds: [],
      errors: [],
    };
    addLogContext({ syncId: status.syncId });
    await this.deps.status.save(status);
    this.logger.log(`resync ${status.syncId} of ${installation.accountLogin} (installation ${installationId}) started: ${reason}`);
    const client = this.deps.access.clientFor(installation.id);
    const context: FetchContext = { client, organization: installation.accountLogin, concurrency: this.deps.githubConcurrency };

    let loaded;
    try {
      loaded = await this.deps.mappingSource.forOrganization(client, installation.accountLogin);
    } catch (error) {
      return this.finish(status, [`the mapping could not be loaded: ${errorMessage(error)}`], now);
    }
    if (!organizationIncluded(loaded, installation)) {
      this.logger.log(`resync ${status.syncId}: ${installation.accountLogin} is not in its mapping's organizations: list; nothing synced`);
      return this.finish(status, [], now);
    }
    const { config } = loaded;
    const settings = publishSettingsOf(config);

    const progressOf = config.resources.map((resource): KindProgress => ({ kind: resource.kind, pages: 0, objects: 0, entities: 0, filtered: 0, mappingIssues: 0 }));
    status.kinds.push(...progressOf);
    const resync: ResyncContext = { status, config, settings, startedAt, now, context };
    const errorsOf: string[][] = progressOf.map(() => []);
    await Promise.all(
      resourceLanes(config.resources).map(async (lane) => {
        for (const index of lane) errorsOf[index] = await this.syncResource(resync, index, progressOf[index]);
      }),
    );
    // In mapping order, whatever order the lanes finished in.
    for (const [index, errors] of errorsOf.entries()) status.errors.push(...errors.map((error) => `resources[${index}] (${progressOf[index].kind}): ${error}`));

    const overtaken = status.errors.length === 0 ? await overtakenBy() : undefined;
    if (overtaken) this.logger.log(`resync ${status.syncId}: ${overtaken} while it ran; the resync that follows does the stale cleanup`);
    await this.deps.producer.completeSync({
      installationId,
      syncId: status.syncId,
      startedAt: status.startedAt,
      complete: status.errors.length === 0 && !overtaken,
      errors: overtaken ? [`overtaken by a change while it ran (${overtaken}); the resync that follows cleans up`] : status.errors,
      entityDeletionThreshold: config.entityDeletionThreshold,
      settings,
    });
    return this.finish(status, [], now);
  }

  /** One resource: its listing, page by page, mapped and published. Returns its errors, the listing's failure first. */
  private async syncResource(resync: ResyncContext, index: number, progress: KindProgress): Promise<string[]> {
    const { status, config, settings, startedAt, now } = resync;
    const resource = config.resources[index];
    const installationId = status.installationId;
    const errors: string[] = [];
    const pageTimes = new PageRequestTimes(() => now().getTime());
    const failed = (repository: Repository, error: unknown) => this.repositoryFailed(status, progress, errors, repository, error);
    const context: FetchContext = { ...resync.context, pageTimes, onRepositoryError: failed };
    const timer = this.deps.metrics.kindSeconds.startTimer({ kind: resource.kind });
    try {
      let examplesSent = false;
      for await (const batch of pageBatches(fetchResource(context, resource, config), RESYNC_BATCH_OBJECTS, now)) {
        // A live change after the first page was asked for is newer than what the batch holds; GitHub stamps changes
        // with its own clock, so the batch counts as a little older than that (never older than the resync). Pages
        // read ahead were asked for before the batch's first: the oldest ask dates it.
        const askedAt = Math.min(batch.firstPageAskedAt.getTime(), pageTimes.takeOldest() ?? Number.POSITIVE_INFINITY);
        const observedAt = new Date(Math.max(startedAt.getTime(), askedAt - CLOCK_SKEW_MARGIN_MS)).toISOString();
        const mapped = await this.deps.mapping.mapPage(config, index, await withReferencedFiles(context, resource, batch.objects), observedAt);
        const pagesBefore = this.pagesOf(status);
        progress.pages += batch.pages;
        progress.objects += batch.objects.length;
        progress.entities += mapped.upserts.length;
        progress.filtered += mapped.filtered;
        progress.mappingIssues += mapped.issues.length;
        this.deps.metrics.objects.inc({ kind: resource.kind }, batch.objects.length);
        if (mapped.upserts.length > 0) {
          await this.deps.producer.publishChanges({ installationId, origin: 'exporter', syncId: status.syncId, settings, changes: mapped.upserts });
        }
        if (!examplesSent && this.deps.sendRawDataExamples && batch.objects.length > 0) {
          examplesSent = true;
          await this.deps.producer.sendRawExamples({ installationId, kind: resource.kind, examples: batch.objects.slice(0, RAW_EXAMPLES_PER_KIND) });
        }
        if (Math.floor(this.pagesOf(status) / STATUS_SAVE_EVERY_PAGES) > Math.floor(pagesBefore / STATUS_SAVE_EVERY_PAGES)) await this.deps.status.save(status);
      }
      if (progress.mappingIssues > 0) this.logger.warn(`resync ${status.syncId}: ${resource.kind} had ${progress.mappingIssues} mapping problem(s)`);
    } catch (error) {
      const message = errorMessage(error);
      progress.error = progress.error ? `${message}; ${progress.error}` : message;
      errors.unshift(message);
      this.logger.error(`resync ${status.syncId}: ${resource.kind} failed after ${progress.pages} page(s): ${message}`);
    } finally {
      timer();
    }
    const failures = progress.failedRepositories?.length ?? 0;
    const unlisted = (progress.repositoriesFailed ?? 0) - failures;
    if (unlisted > 0) errors.push(`${unlisted} more repositories could not be listed`);
    return errors;
  }

  /** A repository whose listing failed: recorded with its error, the resync goes on with the others. */
  private repositoryFailed(status: SyncStatus, progress: KindProgress, errors: string[], repository: Repository, error: unknown): void {
    const message = errorMessage(error);
    progress.repositoriesFailed = (progress.repositoriesFailed ?? 0) + 1;
    this.deps.metrics.repositoryFailures.inc({ kind: progress.kind });
    if (progress.repositoriesFailed > FAILED_REPOSITORIES_LISTED) return;
    (progress.failedRepositories ??= []).push({ repository: repository.name, error: message });
    progress.error = `${progress.repositoriesFailed} ${progress.repositoriesFailed === 1 ? 'repository' : 'repositories'} could not be listed, first ${progress.failedRepositories[0].repository}: ${progress.failedRepositories[0].error}`;
    errors.push(`${message} (repository ${repository.name})`);
    this.logger.warn(`resync ${status.syncId}: ${progress.kind} of repository ${repository.name} could not be listed, the others go on: ${message}`);
  }

  private pagesOf(status: SyncStatus): number {
    return status.kinds.reduce((sum, kind) => sum + kind.pages, 0);
  }

  private async finish(status: SyncStatus, errors: string[], now: () => Date): Promise<SyncStatus> {
    status.errors.push(...errors);
    status.state = status.errors.length === 0 ? 'completed' : 'failed';
    status.finishedAt = now().toISOString();
    await this.deps.status.save(status);
    this.deps.metrics.resyncs.inc({ outcome: status.state });
    const totals = status.kinds.map((kind) => `${kind.kind} ${kind.entities}/${kind.objects}`).join(', ');
    const log = `resync ${status.syncId} of ${status.organization} ${status.state} in ${((Date.parse(status.finishedAt) - Date.parse(status.startedAt)) / 1000).toFixed(1)} s (entities/objects: ${totals || 'none'})`;
    if (status.state === 'completed') this.logger.log(log);
    else this.logger.error(`${log}: ${status.errors.join('; ')}`);
    return status;
  }
}

/** What every resource of one resync shares. */
interface ResyncContext {
  status: SyncStatus;
  config: PortAppConfig;
  settings: PublishSettings;
  startedAt: Date;
  now: () => Date;
  context: FetchContext;
}
