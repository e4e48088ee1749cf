import type { WebhookEvent } from '@glint/queue';
import { ObjectSync } from './object-sync';
import { branchObject, objectSyncFakes, webhookEvent } from './object-sync.spec-helper';
import { PullRequestHandler } from './pull-request-handler';

describe('PullRequestHandler', () => {
  const pullRequest = webhookEvent('pull_request', { action: 'opened', number: 12, pull_request: { number: 12 }, repository: { name: 'api', owner: { login: 'acme' } } });

  it('queues the config check of the pull request, as its installation, and publishes its changes without waiting for the check', async () => {
    const { deps, publisher } = objectSyncFakes([branchObject('feature')]);
    const requested: Array<{ event: WebhookEvent; installationId: number }> = [];
    const sut = new PullRequestHandler(new ObjectSync(deps), { request: async (event, installationId) => void requested.push({ event, installationId }) });

    await expect(sut.handle(pullRequest)).resolves.toBe('processed');

    expect(requested.map(({ event }) => event.deliveryId)).toEqual([pullRequest.deliveryId]);
    expect(requested[0]?.installationId).toEqual(expect.any(Number));
    expect(publisher.jobs.map((job) => job.origin)).toEqual(['exporter']);
  });

  it('fails the event, to be retried in its partition, when the check cannot be queued', async () => {
    const { deps, publisher } = objectSyncFakes([branchObject('feature')]);
    const sut = new PullRequestHandler(new ObjectSync(deps), { request: async () => Promise.reject(new Error('Redis unreachable')) });

    await expect(sut.handle(pullRequest)).rejects.toThrow('Redis unreachable');
    expect(publisher.jobs).toEqual([]);
  });
});
