import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { GithubAccess, GithubInstallation } from '@glint/github';
import type { MappingConfigSource } from '@glint/mapping';
import type { PublishProducer } from '@glint/queue';
import { addLogContext, errorMessage } from '@glint/runtime';
import { EntityMapping, publishSettingsOf } from '../mapping/entity-mapping';
import { withReferencedFiles } from '../mapping/referenced-files';
import { organizationIncluded } from '../mapping/synced-accounts';
import { fetchResource } from '../kinds';
import { pageBatches } from './page-batches';
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

/**
 * One installation's full resync: every resource of its mapping, streamed page by page from GitHub, mapped and
 * handed to the publisher under one sync id; then the sync's completion, which lets the publisher delete stale
 * entities only if every resource finished without error.
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
    const context = { client, organization: installation.accountLogin };

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

    for (const [index, resource] of config.resources.entries()) {
      const progress: KindProgress = { kind: resource.kind, pages: 0, objects: 0, entities: 0, filtered: 0, mappingIssues: 0 };
      status.kinds.push(progress);
      const timer = this.deps.metrics.kindSeconds.startTimer({ kind: resource.kind });
      try {
        let examplesSent = false;
        for await (const batch of pageBatches(fetchResource(context, resource, config), RESYNC_BATCH_OBJECTS, now)) {
          // A live change after the first page was asked for is newer than what the batch holds; GitHub stamps changes
          // with its own clock, so the batch counts as a little older than that (never older than the resync).
          const observedAt = new Date(Math.max(startedAt.getTime(), batch.firstPageAskedAt.getTime() - CLOCK_SKEW_MARGIN_MS)).toISOString();
          const mapped = await this.deps.mapping.mapPage(config, index, await withReferencedFiles(context, resource, batch.objects), observedAt);
          const pagesBefore = progress.pages;
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
          if (Math.floor(progress.pages / STATUS_SAVE_EVERY_PAGES) > Math.floor(pagesBefore / STATUS_SAVE_EVERY_PAGES)) await this.deps.status.save(status);
        }
        if (progress.mappingIssues > 0) this.logger.warn(`resync ${status.syncId}: ${resource.kind} had ${progress.mappingIssues} mapping problem(s)`);
      } catch (error) {
        progress.error = errorMessage(error);
        status.errors.push(`resources[${index}] (${resource.kind}): ${progress.error}`);
        this.logger.error(`resync ${status.syncId}: ${resource.kind} failed after ${progress.pages} page(s): ${progress.error}`);
      } finally {
        timer();
      }
    }

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
