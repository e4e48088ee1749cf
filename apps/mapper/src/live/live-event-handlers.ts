import type { GithubAccess } from '@glint/github';
import type { MappingConfigSource } from '@glint/mapping';
import type { ChangesPublisher, WorkflowRunEventProducer } from '@glint/queue';
import type { ConfigCheckQueue } from '../config-checks';
import type { EventKindHandler } from '../events/event-router';
import type { EntityMapping } from '../mapping/entity-mapping';
import type { ResyncRequester } from '../sync/resync-scheduler';
import type { AccountWebhooks } from '../webhooks/webhook-reconciler';
import { InstallationHandler } from './handlers/installation-handler';
import { ObjectSync } from './handlers/object-sync';
import { ObjectSyncHandler } from './handlers/object-sync-handler';
import { PullRequestHandler } from './handlers/pull-request-handler';
import { PushGitops } from './handlers/push-gitops';
import { PushHandler } from './handlers/push-handler';
import { RepositoryHandler } from './handlers/repository-handler';
import { WorkflowRunHandler } from './handlers/workflow-run-handler';
import { LIVE_EVENTS } from './live-events';
import { liveObjectsOf, LiveReads } from '../kinds';

export interface LiveEventDependencies {
  access: Pick<GithubAccess, 'installations' | 'clientFor'>;
  mappingSource: Pick<MappingConfigSource, 'forOrganization' | 'forRepository' | 'invalidate'>;
  mapping: Pick<EntityMapping, 'mapLive'>;
  /** The publish queue; in the service, a PublishBatcher that gathers live events' changes into shared jobs. */
  publisher: ChangesPublisher;
  resyncs: ResyncRequester;
  /** Where pull requests' config files are queued to be checked; without it they are not checked. */
  configChecks?: Pick<ConfigCheckQueue, 'request'>;
  /** Hands dispatched workflow runs to the actions service, which reports them on their action runs. */
  workflowRuns?: Pick<WorkflowRunEventProducer, 'forward'>;
  /** BASE_URL: a new installation gets its webhook at once instead of at the next hourly reconcile. */
  webhooks?: AccountWebhooks;
  now?: () => Date;
}

/**
 * One handler per live event: the events with work of their own (installations, pushes, repositories, workflow runs,
 * pull requests) do it and then sync their objects through the shared ObjectSync; every other live event only syncs.
 */
export function liveEventHandlers(deps: LiveEventDependencies): EventKindHandler[] {
  const now = deps.now ?? (() => new Date());
  const reads = new LiveReads(undefined, undefined, undefined, now);
  const objects = new ObjectSync({
    access: deps.access,
    mappingSource: deps.mappingSource,
    mapping: deps.mapping,
    publisher: deps.publisher,
    liveObjectsOf: (event, context, config) => liveObjectsOf(reads.contextOf(event, context, config)),
    now,
  });
  const ownWork: EventKindHandler[] = [
    new InstallationHandler(deps.resyncs, deps.webhooks),
    new PushHandler(objects, deps.mappingSource, deps.resyncs, new PushGitops(deps.publisher, now)),
    new RepositoryHandler(objects, deps.resyncs),
    ...(deps.workflowRuns ? [new WorkflowRunHandler(objects, deps.workflowRuns)] : []),
    ...(deps.configChecks ? [new PullRequestHandler(objects, deps.configChecks)] : []),
  ];
  const taken = new Set(ownWork.flatMap((handler) => handler.events));
  return [...ownWork, new ObjectSyncHandler(objects, LIVE_EVENTS.filter((name) => !taken.has(name)))];
}
