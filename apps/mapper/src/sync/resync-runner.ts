import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  type FetchContext,
  type GithubAccess,
  type GithubInstallation,
  type GithubObject,
  PageRequestTimes,
  type Repository,
  type RequestMeter,
} from '@glint/github';
import type { LoadedMapping, MappingConfigSource, MappingIssue, PortAppConfig } from '@glint/mapping';
import type { PublishProducer, PublishSettings } from '@glint/queue';
import { addLogContext, errorMessage } from '@glint/runtime';
import { EntityMapping, publishSettingsOf } from '../mapping/entity-mapping';
import { withReferencedFiles } from '../mapping/referenced-files';
import { organizationIncluded } from '../mapping/synced-accounts';
import { fetchResource, fetchResourceChangedSince, KIND_MODULES, keptBySelector } from '../kinds';
import type { MappedPage } from '../mapping/entity-mapping';
import { pageBatches } from './page-batches';
import { resourceLanes } from './resource-lanes';
import { findRepositoryMappings, OwnMapping, OwnMappingFiles, ownMappingFilesChangedSince, RepositoryMappings } from './repository-mappings';
import { decideMode, mappingHash, type RequestedMode, type ResyncMode, type ResyncWatermark, type ResyncWatermarkStore } from './resync-watermarks';
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
  /** Where each repository's own mapping file is read from; the contents API, repository by repository, by default. */
  ownMappingFiles?: OwnMappingFiles;
  /** Where complete resyncs leave their watermark; without it every resync is full. */
  watermarks?: ResyncWatermarkStore;
  /** FULL_RESYNC_INTERVAL_HOURS: a resync asked to be `auto` is full once this long has passed since the last full one. */
  fullResyncIntervalHours?: number;
}

const RAW_EXAMPLES_PER_KIND = 5;
/**
 * Objects mapped and published together. Kinds listed per repository arrive a few objects a page; batching them
 * turns one jq call, publish job and catalog call per repository into one per hundred objects.
 */
export const RESYNC_BATCH_OBJECTS = 100;
/** How far GitHub's clock, which stamps `updated_at`, may be behind this machine's. */
const CLOCK_SKEW_MARGIN_MS = 1_000;
/**
 * How long before the last complete resync's start an incremental one lists changes from: GitHub's clock may be
 * behind this one, and a change stamped just before the start may have reached GitHub's listings only after it.
 */
export const WATERMARK_MARGIN_MS = 5 * 60_000;
export const DEFAULT_FULL_RESYNC_INTERVAL_HOURS = 24;
/** The status in Redis is saved again after this many more listing pages. */
const STATUS_SAVE_EVERY_PAGES = 50;
/** Objects of one kind whose skipped entity the status names; the rest are counted. */
export const SKIPPED_OBJECTS_LISTED = 20;
/** Repositories of one kind whose failure the status names; the rest are counted. */
export const FAILED_REPOSITORIES_LISTED = 20;

/**
 * One installation's full resync: every resource of its mapping, streamed page by page from GitHub, mapped and
 * handed to the publisher under one sync id; then the sync's completion, which lets the publisher delete stale
 * entities only if every resource finished without error. Resources of different blueprints run side by side
 * (`resourceLanes`), and repository-scoped kinds read `githubConcurrency` repositories at once; a repository whose
 * listing fails is recorded with its error while the others are still listed, and leaves the resync incomplete.
 * A repository with its own `.github/port-app-config.yml` is left out of the organization's resources and synced with
 * its own mapping's, under the same sync id, so the stale cleanup sees its entities as this sync's.
 */
export class ResyncRunner {
  private readonly logger = new Logger('resync');

  constructor(private readonly deps: ResyncDependencies) {}

  /**
   * `overtakenBy`: the change a resync was asked for while this one ran, if any; its listing may predate that change,
   * so it does not count as complete for the stale cleanup, which the follow-up resync does.
   */
  async run(installation: GithubInstallation, reason: string, overtakenBy: () => Promise<string | undefined> = async () => undefined, requested: RequestedMode = 'full'): Promise<SyncStatus> {
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
      units: 0,
      limitWaitSeconds: 0,
      // Known from the start when asked for: the status then tells what this resync expects to need from its first save.
      ...(requested === 'full' || !this.deps.watermarks ? { mode: 'full' as const, modeReason: 'requested' } : {}),
    };
    addLogContext({ syncId: status.syncId });
    await this.deps.status.save(status);
    this.logger.log(`resync ${status.syncId} of ${installation.accountLogin} (installation ${installationId}) started: ${reason}`);
    const resyncMeter = this.meterOf(status);
    const restClient = this.deps.access.clientFor(installation.id);
    const graphql = this.deps.access.graphqlFor?.(installation.id);
    const context: FetchContext = {
      client: restClient.metered?.(resyncMeter) ?? restClient,
      graphql: graphql?.metered?.(resyncMeter) ?? graphql,
      organization: installation.accountLogin,
      concurrency: this.deps.githubConcurrency,
    };

    let loaded;
    try {
      loaded = await this.deps.mappingSource.forOrganization(context.client, installation.accountLogin);
    } catch (error) {
      return this.finish(status, [`the mapping could not be loaded: ${errorMessage(error)}`], now);
    }
    if (!organizationIncluded(loaded, installation)) {
      this.logger.log(`resync ${status.syncId}: ${installation.accountLogin} is not in its mapping's organizations: list; nothing synced`);
      return this.finish(status, [], now);
    }
    const { config } = loaded;
    const settings = publishSettingsOf(config);

    const watermark = await this.deps.watermarks?.get(installationId);
    let repositories: RepositoryMappings;
    try {
      repositories = await findRepositoryMappings(context, loaded, this.deps.mappingSource, this.ownMappingFilesFor(requested, watermark, startedAt));
    } catch (error) {
      return this.finish(status, [`the repositories' own mappings (.github/port-app-config.yml) could not be read: ${errorMessage(error)}`], now);
    }
    this.recordRepositoryMappings(status, repositories);

    const hash = mappingHash([config, repositories.own.map((own) => [own.repository.name, own.loaded.config])]);
    const decision = decideMode(this.deps.watermarks ? requested : 'full', watermark, hash, startedAt, this.fullIntervalMs());
    const since = decision.mode === 'incremental' && watermark ? new Date(watermark.since) : undefined;
    Object.assign(status, { mode: decision.mode, modeReason: decision.why, since: since?.toISOString(), nextFullResyncAt: decision.nextFullAt?.toISOString() });
    await this.deps.status.save(status);
    this.logger.log(`resync ${status.syncId} is ${decision.mode}${since ? `: changes since ${since.toISOString()}` : decision.why ? ` (${decision.why})` : ''}`);

    const resync: ResyncContext = { status, startedAt, now, mode: decision.mode, since };
    const organizationRun: MappingRun = { config, settings, context: { ...context, skipsRepository: repositories.separate } };
    const progressOf = config.resources.map((resource): KindProgress => newProgress(resource.kind));
    status.kinds.push(...progressOf);
    const errorsOf: string[][] = progressOf.map(() => []);
    const ownErrors: string[] = [];
    await Promise.all([
      ...resourceLanes(config.resources).map(async (lane) => {
        for (const index of lane) errorsOf[index] = await this.syncResource(resync, organizationRun, index, progressOf[index]);
      }),
      this.syncOwnMappings(resync, context, repositories.own, ownErrors),
    ]);
    // In mapping order, whatever order the lanes finished in.
    for (const [index, errors] of errorsOf.entries()) status.errors.push(...errors.map((error) => `resources[${index}] (${progressOf[index].kind}): ${error}`));
    status.errors.push(...ownErrors);

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
      mode: decision.mode,
    });
    if (status.errors.length === 0) await this.advanceWatermark(resync, hash, watermark, !overtaken, ownMappingRepositoriesOf(repositories));
    return this.finish(status, [], now);
  }

  /**
   * After a resync without error: the next incremental one lists changes from this one's start (less the margin). A
   * full one counts as the last full only when it was complete (not overtaken by a change it may have missed).
   */
  private async advanceWatermark(resync: ResyncContext, hash: string, previous: ResyncWatermark | undefined, complete: boolean, ownMappingRepositories: string[]): Promise<void> {
    const { status, startedAt, mode } = resync;
    const fullDone = mode === 'full' && complete;
    if (!this.deps.watermarks || (!previous && !fullDone)) return;
    const lastFullAt = fullDone || !previous ? startedAt.toISOString() : previous.lastFullAt;
    await this.deps.watermarks.save(status.installationId, {
      since: new Date(startedAt.getTime() - WATERMARK_MARGIN_MS).toISOString(),
      mappingHash: fullDone ? hash : (previous?.mappingHash ?? hash),
      lastFullAt,
      units: { ...previous?.units, [mode]: status.units ?? 0 },
      ownMappingRepositories,
    });
    status.nextFullResyncAt = new Date(Date.parse(lastFullAt) + this.fullIntervalMs()).toISOString();
  }

  /**
   * How this resync learns the repositories' own mappings: when it will likely be incremental (asked as `auto`, a
   * watermark that knows them, the full interval not elapsed), from what changed since the watermark; else all.
   */
  private ownMappingFilesFor(requested: RequestedMode, watermark: ResyncWatermark | undefined, startedAt: Date): OwnMappingFiles | undefined {
    if (this.deps.ownMappingFiles) return this.deps.ownMappingFiles;
    const known = watermark?.ownMappingRepositories;
    if (!this.deps.watermarks || requested !== 'auto' || !watermark || !known) return undefined;
    if (startedAt.getTime() >= Date.parse(watermark.lastFullAt) + this.fullIntervalMs()) return undefined;
    return ownMappingFilesChangedSince(new Date(watermark.since), known);
  }

  private fullIntervalMs(): number {
    return (this.deps.fullResyncIntervalHours ?? DEFAULT_FULL_RESYNC_INTERVAL_HOURS) * 60 * 60 * 1_000;
  }

  /** What counts the units and waits of requests for `status` (the whole resync) or one kind of it. */
  private meterOf(counts: { units?: number; limitWaitSeconds?: number }, kind?: string): RequestMeter {
    return {
      charged: (resource, units) => {
        counts.units = (counts.units ?? 0) + units;
        if (kind) this.deps.metrics.units.inc({ kind, resource }, units);
      },
      waited: (ms) => {
        counts.limitWaitSeconds = (counts.limitWaitSeconds ?? 0) + ms / 1_000;
        if (kind) this.deps.metrics.limitWaitSeconds.inc({ kind }, ms / 1_000);
      },
    };
  }

  /**
   * An incremental resync's changed objects: upserts of those the resource keeps, deletes of the entities of those it
   * no longer keeps (the kind's listing filters or the selector's `query`), as a live event of each would.
   */
  private async mapChanged(config: PortAppConfig, index: number, context: FetchContext, objects: readonly GithubObject[], observedAt: string): Promise<MappedPage> {
    const resource = config.resources[index];
    const kept = objects.filter((object) => keptBySelector(resource.kind, resource.selector, object, { config }));
    const left = objects.filter((object) => !kept.includes(object));
    const mapped = await this.deps.mapping.mapLive(config, index, await withReferencedFiles(context, resource, kept), left, observedAt);
    const upserts = mapped.changes.filter((change) => change.type === 'upsert').length;
    return { upserts: mapped.changes, filtered: kept.length - upserts + left.length, issues: mapped.issues, skipped: mapped.skipped ?? [] };
  }

  /** The unusable files fail the resync (nothing stale is deleted, so their repositories keep their entities). */
  private recordRepositoryMappings(status: SyncStatus, repositories: RepositoryMappings): void {
    status.repositoryMappings = {
      own: repositories.own.map(({ repository, loaded, ignoredResources }) => ({
        repository: repository.name,
        file: loaded.source.file ?? repository.name,
        ...(ignoredResources.length > 0 ? { ignoredResources } : {}),
      })),
      unusable: repositories.unusable,
    };
    for (const { repository, loaded, ignoredResources } of repositories.own) {
      if (ignoredResources.length > 0) {
        this.logger.warn(`resync ${status.syncId}: ${loaded.source.file} maps ${repository.name} only; its ${ignoredResources.join(', ')} are left to the organization's mapping`);
      }
    }
    for (const unusable of repositories.unusable) {
      status.errors.push(`${unusable.error}; repository ${unusable.repository} is left out of this resync and keeps its entities until ${unusable.file} is fixed`);
      this.logger.error(`resync ${status.syncId}: repository ${unusable.repository} left out, its own mapping is unusable: ${unusable.error}`);
    }
  }

  /** Repositories with their own mapping, `githubConcurrency` at once, each one's resources one after another. */
  private async syncOwnMappings(resync: ResyncContext, context: FetchContext, own: readonly OwnMapping[], errors: string[]): Promise<void> {
    const pending = [...own];
    const worker = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        const { repository, loaded, resourceIndexes } = next;
        const run: MappingRun = { config: loaded.config, settings: publishSettingsOf(loaded.config), context: { ...context, repositories: [repository] } };
        for (const index of resourceIndexes) {
          const progress = { ...newProgress(loaded.config.resources[index].kind), repository: repository.name };
          resync.status.kinds.push(progress);
          const failures = await this.syncResource(resync, run, index, progress);
          errors.push(...failures.map((error) => `${fileLabel(loaded)} resources[${index}] (${progress.kind}): ${error}`));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(own.length, this.deps.githubConcurrency ?? 1) }, worker));
  }

  /** One resource: its listing, page by page, mapped and published. Returns its errors, the listing's failure first. */
  private async syncResource(resync: ResyncContext, run: MappingRun, index: number, progress: KindProgress): Promise<string[]> {
    const { status, startedAt, now } = resync;
    const { config, settings } = run;
    const resource = config.resources[index];
    const installationId = status.installationId;
    const errors: string[] = [];
    const pageTimes = new PageRequestTimes(() => now().getTime());
    const failed = (repository: Repository, error: unknown) => this.repositoryFailed(status, progress, errors, repository, error);
    const kindMeter = this.meterOf(progress, resource.kind);
    const { client, graphql } = run.context;
    const incomplete = (reason: string) => this.listingIncomplete(status, progress, errors, reason);
    const context: FetchContext = {
      ...run.context,
      client: client.metered?.(kindMeter) ?? client,
      graphql: graphql?.metered?.(kindMeter) ?? graphql,
      pageTimes,
      onRepositoryError: failed,
      onIncomplete: incomplete,
    };
    const timer = this.deps.metrics.kindSeconds.startTimer({ kind: resource.kind });
    // An incremental resync lists what changed since its watermark, for a kind that can; the whole listing otherwise.
    const changedSince = resync.mode === 'incremental' && KIND_MODULES[resource.kind].listChangedSince ? resync.since : undefined;
    const listing = changedSince ? fetchResourceChangedSince(context, resource, config, changedSince) : fetchResource(context, resource, config);
    try {
      let examplesSent = false;
      for await (const batch of pageBatches(listing, RESYNC_BATCH_OBJECTS, now)) {
        // A live change after the first page was asked for is newer than what the batch holds; GitHub stamps changes
        // with its own clock, so the batch counts as a little older than that (never older than the resync). Pages
        // read ahead were asked for before the batch's first: the oldest ask dates it.
        const askedAt = Math.min(batch.firstPageAskedAt.getTime(), pageTimes.takeOldest() ?? Number.POSITIVE_INFINITY);
        const observedAt = new Date(Math.max(startedAt.getTime(), askedAt - CLOCK_SKEW_MARGIN_MS)).toISOString();
        const mapped = changedSince
          ? await this.mapChanged(config, index, context, batch.objects, observedAt)
          : await this.deps.mapping.mapPage(config, index, await withReferencedFiles(context, resource, batch.objects), observedAt);
        const deletes = mapped.upserts.filter((change) => change.type === 'delete').length;
        if (deletes > 0) progress.deleted = (progress.deleted ?? 0) + deletes;
        const pagesBefore = this.pagesOf(status);
        progress.pages += batch.pages;
        progress.objects += batch.objects.length;
        progress.entities += mapped.upserts.length - deletes;
        progress.filtered += mapped.filtered;
        progress.mappingIssues += mapped.issues.length;
        this.objectsSkipped(status, progress, mapped.skipped);
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
      progress.done = true;
    }
    const failures = progress.failedRepositories?.length ?? 0;
    const unlisted = (progress.repositoriesFailed ?? 0) - failures;
    if (unlisted > 0) errors.push(`${unlisted} more repositories could not be listed`);
    return errors;
  }

  /** Objects whose mapping failed: counted, the first listed with their errors; the resync goes on with the others. */
  private objectsSkipped(status: SyncStatus, progress: KindProgress, skipped: readonly MappingIssue[]): void {
    if (skipped.length === 0) return;
    progress.objectsSkipped = (progress.objectsSkipped ?? 0) + skipped.length;
    const listed = (progress.skippedObjects ??= []);
    for (const issue of skipped.slice(0, SKIPPED_OBJECTS_LISTED - listed.length)) {
      listed.push({ ...(issue.object !== undefined ? { object: issue.object } : {}), path: issue.path, error: issue.message });
      this.logger.warn(`resync ${status.syncId}: ${progress.kind} ${issue.object ?? 'object'} skipped, ${issue.path}: ${issue.message}`);
    }
  }

  /**
   * A listing that left objects out (a `repoSearch` matching more than GitHub's search returns): what it listed is
   * synced, and the resync counts as incomplete, so no entity is deleted for being absent from it.
   */
  private listingIncomplete(status: SyncStatus, progress: KindProgress, errors: string[], reason: string): void {
    progress.error = progress.error ? `${progress.error}; ${reason}` : reason;
    errors.push(reason);
    this.logger.warn(`resync ${status.syncId}: ${progress.kind}: ${reason}; entities missing from this listing are not deleted`);
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
  startedAt: Date;
  now: () => Date;
  mode: ResyncMode;
  /** An incremental resync lists, for kinds that can, what changed at or after this. */
  since?: Date;
}

/** One mapping's resources: the organization's, or one repository's own (its listings narrowed to that repository). */
interface MappingRun {
  config: PortAppConfig;
  settings: PublishSettings;
  context: FetchContext;
}

function newProgress(kind: string): KindProgress {
  return { kind, pages: 0, objects: 0, entities: 0, filtered: 0, mappingIssues: 0 };
}

function fileLabel(loaded: LoadedMapping): string {
  return loaded.source.file ?? 'the repository mapping';
}

/** The repositories mapped with their own file, or left out for an invalid one: the next incremental resync re-reads them. */
function ownMappingRepositoriesOf(repositories: RepositoryMappings): string[] {
  return [...repositories.own.map((own) => own.repository.name), ...repositories.unusable.map((entry) => entry.repository)];
}
