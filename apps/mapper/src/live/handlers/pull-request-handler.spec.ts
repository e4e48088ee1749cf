import { ObjectSync } from './object-sync';
import { branchObject, objectSyncFakes, webhookEvent } from './object-sync.spec-helper';
import { PullRequestHandler } from './pull-request-handler';

describe('PullRequestHandler', () => {
  const pullRequest = webhookEvent('pull_request', { action: 'opened', number: 12, pull_request: { number: 12 }, repository: { name: 'api', owner: { login: 'acme' } } });

  it('still publishes the pull request changes when its config check fails', async () => {
    const { deps, publisher } = objectSyncFakes([branchObject('feature')]);
    const checked: unknown[] = [];
    const failingCheck = {
      run: async (payload: unknown) => {
        checked.push(payload);
        throw new Error('Checks: write is missing');
      },
    };
    const sut = new PullRequestHandler(new ObjectSync(deps), failingCheck);

    await expect(sut.handle(pullRequest)).resolves.toBe('processed');

    expect(checked).toEqual([pullRequest.payload]);
    expect(publisher.jobs.map((job) => job.origin)).toEqual(['exporter']);
  });
});
