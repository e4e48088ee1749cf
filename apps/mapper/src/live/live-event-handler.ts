import { Logger } from '@nestjs/common';
import type { CatalogEntity } from '@glint/catalog-client';
import { FetchContext, GithubAccess, GithubInstallation, readRepositoryFile, Repository } from '@glint/github';
import { gitopsChangesForPush, GitopsFileError, LoadedMapping, MappingConfigSource } from '@glint/mapping';
import { ChangesPublisher, EntityChange, HandlerResult, WebhookEvent, WorkflowRunEventProducer, workflowRunEventOf } from '@glint/queue';
import type { ConfigCheckRunner } from '../config-checks';
import type { EventKindHandler } from '../events/event-router';
import { EntityMapping, publishSettingsOf } from '../mapping/entity-mapping';
import { withReferencedFiles } from '../mapping/referenced-files';
import { fetchResource, REPOSITORY_SCOPED_KINDS } from '../sync/kind-fetchers';
import type { ResyncRequester } from '../sync/resync-scheduler';
import { organizationIncluded } from '../mapping/synced-accounts';
import { SEED_WEBHOOK_EVENTS } from '../webhooks/webhook-events';
import type { AccountWebhooks } from '../webhooks/webhook-reconciler';
import { keptBySelector } from './live-filters';
import { changedPaths, LiveObject, liveObjectsOf } from './live-objects';
import { errorMessage } from '@glint/runtime';

/** The live events seed 004 lists, plus the installation events that start syncs. */
export const LIVE_EVENTS = [...SEED_WEBHOOK_EVENTS, 'installation', 'installation_repositories'] as const;

export interface LiveEventDependencies {
  access: GithubAccess;
  mappingSource: MappingConfigSource;
  mapping: EntityMapping;
  /** The publish queue; in the service, a PublishBatcher that gathers live events' changes into shared jobs. */
  publisher: ChangesPublisher;
  resyncs: ResyncRequester;
  checkRunner?: ConfigCheckRunner;
  /** Hands dispatched workflow runs to the actions service, which reports them on their action runs. */
  workflowRuns?: WorkflowRunEventProducer;
  /** BASE_URL: a new installation gets its webhook at once instead of at the next hourly reconcile. */
  webhooks?: AccountWebhooks;
  now?: () => Date;
}

type Payload = Record<string, unknown>;

/** Repository actions after which entities of the repository's other kinds may be orphaned or renamed. */
const REPOSITORY_CASCADES = new Set(['deleted', 'renamed', 'transferred']);
/** Repository actions after which the repository's pull requests, branches, … enter the catalog, no event of their own saying so. */
const REPOSITORY_APPEARANCES = new Set(['created', 'unarchived']);

/**
 * Keeps the catalog true between resyncs: each event's objects are re-read, run through every resource of their kind
 * (selector and the kind's listing filters), and published as upserts or deletes. A push to a default branch also
 * refreshes the mapping (a resync when it changed) and applies `port.yml` changes as GitOps entities.
 */
export class LiveEventHandler implements EventKindHandler {
  readonly events = LIVE_EVENTS;
  private readonly logger = new Logger('live-events');

  constructor(private readonly deps: LiveEventDependencies) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const payload = event.payload as Payload;
    if (event.event === 'installation' || event.event === 'installation_repositories') return this.installationChanged(payload);

    const installation = await this.installationOf(payload);
    if (!installation) return 'ignored';
    const context: FetchContext = { client: this.deps.access.clientFor(installation.id), organization: installation.accountLogin };
    const now = this.deps.now ?? (() => new Date());

    if (event.event === 'pull_request' && this.deps.checkRunner) {
      // A failing check run must not hold up the pull request's own entity.
      await this.deps.checkRunner.run(payload, context.client).catch((error: unknown) => this.logger.warn(`config check of ${event.deliveryId} failed: ${errorMessage(error)}`));
    }
    if (event.event === 'workflow_run' && this.deps.workflowRuns) {
      const forwarded = workflowRunEventOf(event.deliveryId, event.receivedAt, payload);
      if (forwarded?.workflowRun.event === 'workflow_dispatch') await this.deps.workflowRuns.forward(forwarded);
    }
    let resyncRequested = false;
    if (event.event === 'push') resyncRequested = await this.mappingMayHaveChanged(payload, installation);
    if (event.event === 'repository' && REPOSITORY_CASCADES.has(String(payload['action']))) {
      // The repository's pull requests, issues, branches… are keyed by its name: a resync replaces or removes them.
      const name = (payload['repository'] as { name?: string } | undefined)?.name ?? '?';
      resyncRequested = await this.deps.resyncs.request(installation, `repository ${name} ${String(payload['action'])}`, 'follow-up');
    }

    const loaded = await this.deps.mappingSource.forOrganization(context.client, installation.accountLogin);
    if (!organizationIncluded(loaded, installation)) return 'ignored';

    const changes: EntityChange[] = [];
    if (event.event === 'push') await this.gitops(payload, context, loaded, installation, now);
    const observedAt = now().toISOString();
    const repository = payload['repository'] as Payload | undefined;
    const objects = await liveObjectsOf(event, context);
    if (event.event === 'repository' && REPOSITORY_APPEARANCES.has(String(payload['action']))) {
      objects.push(...(await this.contentsOfRepository(repository as unknown as Repository, context, loaded)));
    }
    for (const object of objects) {
      for (const [index, resource] of loaded.config.resources.entries()) {
        if (resource.kind !== object.kind || (object.resourceIndex !== undefined && object.resourceIndex !== index)) continue;
        const kept =
          object.current !== null && keptBySelector(object.kind, resource.selector, object.current, loaded.config, repository, object.parent) && (object.listedFor ? await object.listedFor(resource) : true);
        const present = kept && object.current ? await withReferencedFiles(context, resource, [object.enrich ? await object.enrich(object.current, resource) : object.current]) : [];
        const gone = kept ? [] : [object.current ?? object.known];
        const mapped = await this.deps.mapping.mapLive(loaded.config, index, present, gone, observedAt);
        changes.push(...mapped.changes);
        for (const issue of mapped.issues) this.logger.warn(`${event.event} ${event.deliveryId}: ${issue.path}: ${issue.message}`);
      }
    }
    if (changes.length > 0) {
      await this.deps.publisher.publishChanges({ installationId: String(installation.id), origin: 'exporter', settings: publishSettingsOf(loaded.config), changes });
    }
    return changes.length > 0 || resyncRequested ? 'processed' : 'ignored';
  }

  /** A repository that appeared: its objects of every repository-scoped resource, listed as a resync would list them. */
  private async contentsOfRepository(repository: Repository | undefined, context: FetchContext, loaded: LoadedMapping): Promise<LiveObject[]> {
    if (!repository) return [];
    const objects: LiveObject[] = [];
    const scoped: FetchContext = { ...context, repositories: [repository] };
    for (const [index, resource] of loaded.config.resources.entries()) {
      if (!REPOSITORY_SCOPED_KINDS.has(resource.kind)) continue;
      for await (const page of fetchResource(scoped, resource, loaded.config)) {
        for (const item of page) objects.push({ kind: resource.kind, current: item, known: item, resourceIndex: index });
      }
    }
    return objects;
  }

  private async installationChanged(payload: Payload): Promise<HandlerResult> {
    const action = payload['action'];
    if (action !== 'created' && action !== 'added' && action !== 'new_permissions_accepted' && action !== 'unsuspend') return 'ignored';
    const installation = payload['installation'] as { id: number; account?: { login: string; type?: string } } | undefined;
    if (!installation?.account) return 'ignored';
    const account: GithubInstallation = { id: installation.id, accountLogin: installation.account.login, accountType: installation.account.type === 'User' ? 'User' : 'Organization', suspended: false };
    const reason = action === 'added' ? 'repositories added to the installation' : `installation ${String(action)}`;
    await this.deps.resyncs.request(account, reason, 'follow-up');
    await this.deps.webhooks?.reconcileAccount(account, reason);
    return 'processed';
  }

  /** App mode: the payload's installation. Token mode: the synced account the payload's organization or owner is. */
  private async installationOf(payload: Payload): Promise<GithubInstallation | undefined> {
    const installations = await this.deps.access.installations();
    const installationId = (payload['installation'] as { id?: number } | undefined)?.id;
    if (installationId !== undefined) {
      const known = installations.find((candidate) => candidate.id === installationId);
      if (known) return known;
    }
    const login = (payload['organization'] as { login?: string } | undefined)?.login ?? ((payload['repository'] as { owner?: { login?: string } } | undefined)?.owner?.login);
    if (!login) return undefined;
    return installations.find((candidate) => candidate.accountLogin.toLowerCase() === login.toLowerCase());
  }

  private async mappingMayHaveChanged(payload: Payload, installation: GithubInstallation): Promise<boolean> {
    const repository = payload['repository'] as { name: string; default_branch: string; owner: { login?: string; name?: string } } | undefined;
    if (!repository || typeof payload['ref'] !== 'string') return false;
    const changed = this.deps.mappingSource.invalidate({
      owner: repository.owner.login ?? repository.owner.name ?? installation.accountLogin,
      repository: repository.name,
      ref: payload['ref'],
      defaultBranch: repository.default_branch,
      changedPaths: changedPaths(payload),
    });
    if (changed) await this.deps.resyncs.request(installation, `the mapping changed in ${repository.name}`, 'follow-up');
    return changed;
  }

  private async gitops(payload: Payload, context: FetchContext, loaded: LoadedMapping, installation: GithubInstallation, now: () => Date): Promise<void> {
    const repository = payload['repository'] as { name: string; default_branch: string; owner: { login?: string; name?: string } } | undefined;
    if (!repository || payload['ref'] !== `refs/heads/${repository.default_branch}` || typeof payload['before'] !== 'string' || typeof payload['after'] !== 'string') return;
    const owner = repository.owner.login ?? repository.owner.name ?? context.organization;
    const zero = /^0+$/;
    try {
      const diff = await gitopsChangesForPush(
        { before: payload['before'], after: payload['after'], changedPaths: changedPaths(payload) },
        loaded.config.specPath,
        (path, sha) => (zero.test(sha) ? Promise.resolve(null) : readRepositoryFile(context.client, owner, repository.name, path, sha)),
        { createMissingRelatedEntities: loaded.config.createMissingRelatedEntities },
      );
      const observedAt = now().toISOString();
      const changes: EntityChange[] = [
        ...diff.upserts.map((entity): EntityChange => ({ type: 'upsert', entity: entity as CatalogEntity, observedAt })),
        ...diff.deletes.map((key): EntityChange => ({ type: 'delete', ...key, observedAt })),
      ];
      if (changes.length > 0) {
        await this.deps.publisher.publishChanges({ installationId: String(installation.id), origin: 'gitops', settings: publishSettingsOf(loaded.config), changes });
      }
    } catch (error) {
      // The pull request's check run already reported the file; the push's other changes still apply.
      if (!(error instanceof GitopsFileError)) throw error;
      this.logger.error(`GitOps change of ${owner}/${repository.name} not applied: ${error.message}`);
    }
  }
}
