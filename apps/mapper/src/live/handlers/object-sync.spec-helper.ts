import type { GithubInstallation, GithubObject, GithubRestClient } from '@glint/github';
import type { LoadedMapping, PortAppConfig } from '@glint/mapping';
import type { ChangesPublisher, PublishChangesJob, WebhookEvent } from '@glint/queue';
import type { ResyncRequester } from '../../sync/resync-scheduler';
import type { LiveObject } from '../../kinds';
import type { ObjectSyncDependencies } from './object-sync';

// Small fakes for the live event handlers: one synced account (acme, installation 7) whose mapping has one branch resource.

export const ACME: GithubInstallation = { id: 7, accountLogin: 'acme', accountType: 'Organization', suspended: false };

const BRANCH_MAPPING: PortAppConfig = {
  deleteDependentEntities: false,
  createMissingRelatedEntities: true,
  enableMergeEntity: true,
  entityDeletionThreshold: 0.9,
  repositoryType: 'all',
  includeAuthenticatedUser: false,
  specPath: ['**/port.yml'],
  resources: [{ kind: 'branch', selector: { query: 'true' }, port: { itemsToParseName: 'item', entity: { mappings: { identifier: '.name', blueprint: '"githubBranch"', properties: {}, relations: {} } } } }],
};

export const LOADED_MAPPING: LoadedMapping = { config: BRANCH_MAPPING, source: { kind: 'default' } };

export function webhookEvent(event: string, payload: Record<string, unknown>): WebhookEvent {
  return { deliveryId: 'd-1', event, groupKey: 'acme/api', partition: 0, receivedAt: '2026-01-01T00:00:00Z', payload: { installation: { id: ACME.id }, ...payload } };
}

export function branchObject(name: string, observedAt?: string): LiveObject {
  const branch: GithubObject = { name };
  return { kind: 'branch', current: branch, known: branch, observedAt };
}

/** A client for tests whose objects come from the fakes: any GitHub call fails the test. */
const noGithub: GithubRestClient = {
  request: () => Promise.reject(new Error('this test reads nothing from GitHub')),
  paginate: () => {
    throw new Error('this test lists nothing from GitHub');
  },
};

export class RecordingPublisher implements ChangesPublisher {
  readonly jobs: PublishChangesJob[] = [];

  constructor(private readonly journal: string[] = []) {}

  async publishChanges(job: PublishChangesJob): Promise<string> {
    this.jobs.push(job);
    this.journal.push(`${job.origin} changes published`);
    return `job-${this.jobs.length}`;
  }
}

export class RecordingResyncs implements ResyncRequester {
  readonly reasons: string[] = [];

  async request(_installation: GithubInstallation, reason: string): Promise<boolean> {
    this.reasons.push(reason);
    return true;
  }
}

/** ObjectSync dependencies around acme: each object maps to one upsert, published to `publisher`, mapped as of `mappedAt`. */
export function objectSyncFakes(objects: readonly LiveObject[], publisher = new RecordingPublisher()) {
  const mappedAt: string[] = [];
  const deps: ObjectSyncDependencies = {
    access: { installations: async () => [ACME], clientFor: () => noGithub },
    mappingSource: { forOrganization: async () => LOADED_MAPPING, forRepository: async () => LOADED_MAPPING },
    mapping: {
      mapLive: async (_config, _index, present, _gone, observedAt) => {
        mappedAt.push(observedAt);
        return { changes: present.map((object) => ({ type: 'upsert', entity: { identifier: String(object['name']), blueprint: 'githubBranch' }, observedAt })), issues: [] };
      },
    },
    publisher,
    liveObjectsOf: async () => [...objects],
    now: () => new Date('2026-03-01T12:00:00.000Z'),
  };
  return { deps, publisher, mappedAt };
}
