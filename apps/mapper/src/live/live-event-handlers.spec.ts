import { EventRouter } from '../events/event-router';
import { InstallationHandler } from './handlers/installation-handler';
import { ObjectSyncHandler } from './handlers/object-sync-handler';
import { objectSyncFakes, RecordingResyncs } from './handlers/object-sync.spec-helper';
import { PullRequestHandler } from './handlers/pull-request-handler';
import { PushHandler } from './handlers/push-handler';
import { RepositoryHandler } from './handlers/repository-handler';
import { WorkflowRunHandler } from './handlers/workflow-run-handler';
import { LiveEventDependencies, liveEventHandlers } from './live-event-handlers';
import { LIVE_EVENTS } from './live-events';

describe('liveEventHandlers', () => {
  const { deps } = objectSyncFakes([]);
  const required: LiveEventDependencies = { ...deps, mappingSource: { ...deps.mappingSource, invalidate: () => false }, resyncs: new RecordingResyncs() };
  const everything: LiveEventDependencies = {
    ...required,
    configChecks: { request: async () => undefined },
    workflowRuns: { forward: async () => undefined },
  };

  const handlersOf = (handlers: ReturnType<typeof liveEventHandlers>, name: string) => handlers.filter((handler) => handler.events.includes(name));

  it.each([
    ['every dependency', everything],
    ['no config checks or workflow run forwarding', required],
  ])('gives each live event exactly one handler, and no other event any, with %s', (_, dependencies) => {
    const handlers = liveEventHandlers(dependencies);

    for (const name of LIVE_EVENTS) expect([name, handlersOf(handlers, name)]).toEqual([name, [expect.anything()]]);
    expect(handlers.flatMap((handler) => handler.events).sort()).toEqual([...LIVE_EVENTS].sort());
    expect(() => new EventRouter(handlers)).not.toThrow();
  });

  it('sends the events with work of their own to their handlers, the others to the object sync', () => {
    const handlers = liveEventHandlers(everything);

    expect(handlersOf(handlers, 'installation')[0]).toBeInstanceOf(InstallationHandler);
    expect(handlersOf(handlers, 'installation_repositories')[0]).toBeInstanceOf(InstallationHandler);
    expect(handlersOf(handlers, 'push')[0]).toBeInstanceOf(PushHandler);
    expect(handlersOf(handlers, 'repository')[0]).toBeInstanceOf(RepositoryHandler);
    expect(handlersOf(handlers, 'workflow_run')[0]).toBeInstanceOf(WorkflowRunHandler);
    expect(handlersOf(handlers, 'pull_request')[0]).toBeInstanceOf(PullRequestHandler);
    expect(handlersOf(handlers, 'issues')[0]).toBeInstanceOf(ObjectSyncHandler);
  });

  it('syncs pull requests and workflow runs without their own work when it is not configured', () => {
    const handlers = liveEventHandlers(required);

    expect(handlersOf(handlers, 'pull_request')[0]).toBeInstanceOf(ObjectSyncHandler);
    expect(handlersOf(handlers, 'workflow_run')[0]).toBeInstanceOf(ObjectSyncHandler);
  });
});
