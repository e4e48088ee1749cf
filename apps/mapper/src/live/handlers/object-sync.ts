import { Logger } from '@nestjs/common';
import type { FetchContext, GithubAccess, GithubInstallation } from '@glint/github';
import type { Kind, LoadedMapping, MappingConfigSource, PortAppConfig, ResourceConfig } from '@glint/mapping';
import type { ChangesPublisher, EntityChange, HandlerResult, WebhookEvent } from '@glint/queue';
import { EntityMapping, publishSettingsOf } from '../../mapping/entity-mapping';
import { withReferencedFiles } from '../../mapping/referenced-files';
import { organizationIncluded } from '../../mapping/synced-accounts';
import { LIVE_EVENTS } from '../live-events';
import { keptBySelector, LiveObject, REPOSITORY_SCOPED_KINDS, ORGANIZATION_LEVEL_EVENTS } from '../../kinds';
import { RepoSearchMatches, repoSearchOf } from '../../kinds/repo-search';
import { payloadOf } from '../../events/webhook-payload';

/** The synced account an event is for, and how to read it from GitHub. */
export interface EventScope {
  installation: GithubInstallation;
  context: FetchContext;
}

/** What an event's own handler adds around the sync of the event's objects. */
export interface SyncSteps {
  /** The handler requested a resync: the event counts as processed even when it changes no entity. */
  resyncRequested?: boolean;
  /** Work that needs the account's mapping (GitOps changes), done before the event's objects are read. */
  beforeObjects?: (loaded: LoadedMapping) => Promise<void>;
  /** Objects the event brings beyond its own (a new repository's contents), synced after the event's own. */
  impliedObjects?: (loaded: LoadedMapping) => Promise<LiveObject[]>;
}

export interface ObjectSyncDependencies {
  access: Pick<GithubAccess, 'installations' | 'clientFor' | 'graphqlFor'>;
  mappingSource: Pick<MappingConfigSource, 'forOrganization' | 'forRepository'>;
  mapping: Pick<EntityMapping, 'mapLive'>;
  /** The publish queue; in the service, a PublishBatcher that gathers live events' changes into shared jobs. */
  publisher: ChangesPublisher;
  /** The objects an event changes, from its payload or read from GitHub, as the kind modules say (`liveObjectsOf`). */
  liveObjectsOf: (event: WebhookEvent, context: FetchContext, config: PortAppConfig) => Promise<LiveObject[]>;
  now: () => Date;
  /** Live checks of `repoSearch` selectors; a fresh one when absent. */
  repoSearch?: RepoSearchMatches;
}

/**
 * Keeps the catalog true between resyncs: an event's objects are run through every resource of their kind (selector
 * and the kind's listing filters), mapped, and published in one job as upserts or deletes. An event of a repository
 * with its own `.github/port-app-config.yml` is mapped with that mapping alone, as the resync maps that repository.
 */
export class ObjectSync {
  private readonly logger = new Logger('live-events');

  private readonly repoSearch: RepoSearchMatches;

  constructor(private readonly deps: ObjectSyncDependencies) {
    this.repoSearch = deps.repoSearch ?? new RepoSearchMatches();
  }

  /** The synced account the event's payload names; undefined when it names none. */
  async scopeOf(event: WebhookEvent): Promise<EventScope | undefined> {
    const installation = await this.installationOf(event);
    if (!installation) return undefined;
    return { installation, context: { client: this.deps.access.clientFor(installation.id), graphql: this.deps.access.graphqlFor?.(installation.id), organization: installation.accountLogin } };
  }

  /**
   * Maps and publishes the event's objects; `ignored` when the account's mapping leaves its organization out, or nothing
   * changed. Throws MappingConfigError, naming the file and its problems, when the mapping that applies is invalid.
   */
  async sync(event: WebhookEvent, scope: EventScope, steps: SyncSteps = {}): Promise<HandlerResult> {
    const { installation, context } = scope;
    const organizationMapping = await this.deps.mappingSource.forOrganization(context.client, installation.accountLogin);
    if (!organizationIncluded(organizationMapping, installation)) return 'ignored';
    const loaded = await this.mappingOf(event, scope, organizationMapping);

    await steps.beforeObjects?.(loaded);
    const mappedAt = this.deps.now().toISOString();
    const objects = await this.deps.liveObjectsOf(event, context, loaded.config);
    if (steps.impliedObjects) objects.push(...(await steps.impliedObjects(loaded)));
    const repository = repositoryOf(event);
    const changes: EntityChange[] = [];
    for (const object of objects) {
      const observedAt = object.observedAt ?? mappedAt;
      for (const [index, resource] of loaded.config.resources.entries()) {
        if (resource.kind !== object.kind || (object.resourceIndex !== undefined && object.resourceIndex !== index)) continue;
        const kept =
          object.current !== null &&
          keptBySelector(object.kind, resource.selector, object.current, { config: loaded.config, repository, parent: object.parent }) &&
          (object.listedFor ? await object.listedFor(resource) : true) &&
          (await this.foundBySearch(event, context, repository, resource, object.kind));
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
    return changes.length > 0 || steps.resyncRequested ? 'processed' : 'ignored';
  }

  /** The repository's own mapping for an event of a repository that has one; the organization's otherwise. */
  private async mappingOf(event: WebhookEvent, scope: EventScope, organizationMapping: LoadedMapping): Promise<LoadedMapping> {
    const repository = repositoryOf(event);
    if (!repository || ORGANIZATION_LEVEL_EVENTS.has(event.event)) return organizationMapping;
    return this.deps.mappingSource.forRepository(scope.context.client, scope.installation.accountLogin, repository.name);
  }

  /** Whether the resource's `repoSearch` (when it has one) finds the event's repository, as its resync listing would. */
  private foundBySearch(event: WebhookEvent, context: FetchContext, repository: { id?: number; name?: string } | undefined, resource: ResourceConfig, kind: Kind): Promise<boolean> {
    const search = repoSearchOf(resource.selector);
    // Kinds listed through the repositories only: the peer's organization selector takes repoSearch and ignores it.
    if (!search || !repository?.name || !(REPOSITORY_SCOPED_KINDS.has(kind) || kind === 'repository')) return Promise.resolve(true);
    return this.repoSearch.finds(context, { id: repository.id, name: repository.name }, search, event.event === 'repository');
  }

  /** App mode: the payload's installation. Token mode: the synced account the payload's organization or owner is. */
  private async installationOf(event: WebhookEvent): Promise<GithubInstallation | undefined> {
    const payload = payloadOf(event, ...LIVE_EVENTS);
    if (!payload) return undefined;
    const installations = await this.deps.access.installations();
    const installationId = 'installation' in payload ? payload.installation?.id : undefined;
    if (installationId !== undefined) {
      const known = installations.find((candidate) => candidate.id === installationId);
      if (known) return known;
    }
    const login = ('organization' in payload ? payload.organization?.login : undefined) ?? repositoryOf(event)?.owner?.login;
    if (!login) return undefined;
    return installations.find((candidate) => candidate.accountLogin.toLowerCase() === login.toLowerCase());
  }
}

/** The repository the event happened in, for the events that have one. */
function repositoryOf(event: WebhookEvent) {
  const payload = payloadOf(event, ...LIVE_EVENTS);
  return payload && 'repository' in payload ? (payload.repository ?? undefined) : undefined;
}
