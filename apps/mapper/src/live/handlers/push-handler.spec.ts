import type { PushSummary } from '@glint/mapping';
import { ObjectSync } from './object-sync';
import { branchObject, objectSyncFakes, RecordingPublisher, RecordingResyncs, webhookEvent } from './object-sync.spec-helper';
import { PushHandler } from './push-handler';

const push = webhookEvent('push', {
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  commits: [{ added: ['.github/port-app-config.yml'], modified: ['services/api/port.yml'], removed: [] }],
  head_commit: null,
  repository: { name: 'api', default_branch: 'main', owner: { login: 'acme' } },
});

describe('PushHandler', () => {
  let journal: string[];
  let resyncs: RecordingResyncs;

  beforeEach(() => {
    journal = [];
    resyncs = new RecordingResyncs();
  });

  function pushHandler(mappingChanged: boolean) {
    const { deps, publisher } = objectSyncFakes([branchObject('main')], new RecordingPublisher(journal));
    const invalidated: PushSummary[] = [];
    const mappingSource = {
      invalidate: (summary: PushSummary) => {
        invalidated.push(summary);
        journal.push('mapping checked');
        return mappingChanged;
      },
    };
    const gitops = {
      apply: async () => {
        journal.push('gitops applied');
      },
    };
    return { sut: new PushHandler(new ObjectSync(deps), mappingSource, resyncs, gitops), publisher, invalidated };
  }

  it('checks the mapping, applies the GitOps changes, then publishes the changes of the pushed branch', async () => {
    const { sut } = pushHandler(false);

    await expect(sut.handle(push)).resolves.toBe('processed');

    expect(journal).toEqual(['mapping checked', 'gitops applied', 'exporter changes published']);
  });

  it('tells the mapping source which files of which default branch the push changed', async () => {
    const { sut, invalidated } = pushHandler(false);

    await sut.handle(push);

    expect(invalidated).toEqual([{ owner: 'acme', repository: 'api', ref: 'refs/heads/main', defaultBranch: 'main', changedPaths: ['.github/port-app-config.yml', 'services/api/port.yml'] }]);
  });

  it('requests a resync of the account when the push changed its mapping', async () => {
    const { sut } = pushHandler(true);

    await sut.handle(push);

    expect(resyncs.reasons).toEqual(['the mapping changed in api']);
  });
});
