import type { WebhookEvent } from '@glint/queue';
import { EventScope, ObjectSync } from './object-sync';
import type { LoadedMapping } from '@glint/mapping';
import { ACME, branchObject, LOADED_MAPPING, objectSyncFakes, webhookEvent } from './object-sync.spec-helper';

async function syncedScope(sut: ObjectSync, event: WebhookEvent): Promise<EventScope> {
  const scope = await sut.scopeOf(event);
  if (!scope) throw new Error('the event names no synced account');
  return scope;
}

describe('ObjectSync', () => {
  const event = webhookEvent('create', { ref: 'feature', ref_type: 'branch' });

  it('maps an object as of its own observedAt, and one without as of the time of the sync', async () => {
    const { deps, mappedAt } = objectSyncFakes([branchObject('feature', '2026-02-01T08:00:00Z'), branchObject('main')]);
    const sut = new ObjectSync(deps);

    await sut.sync(event, await syncedScope(sut, event));

    expect(mappedAt).toEqual(['2026-02-01T08:00:00Z', '2026-03-01T12:00:00.000Z']);
  });

  it('publishes the changes of all the event objects in one exporter job of the account', async () => {
    const { deps, publisher } = objectSyncFakes([branchObject('feature'), branchObject('main')]);
    const sut = new ObjectSync(deps);

    await expect(sut.sync(event, await syncedScope(sut, event))).resolves.toBe('processed');

    expect(publisher.jobs).toHaveLength(1);
    expect(publisher.jobs[0]).toMatchObject({ installationId: String(ACME.id), origin: 'exporter' });
    expect(publisher.jobs[0].changes.map((change) => change.type === 'upsert' && change.entity.identifier)).toEqual(['feature', 'main']);
  });

  it('ignores an event that changes nothing, unless its handler requested a resync', async () => {
    const { deps, publisher } = objectSyncFakes([]);
    const sut = new ObjectSync(deps);
    const scope = await syncedScope(sut, event);

    await expect(sut.sync(event, scope)).resolves.toBe('ignored');
    await expect(sut.sync(event, scope, { resyncRequested: true })).resolves.toBe('processed');
    expect(publisher.jobs).toEqual([]);
  });

  it('finds no account for an event of an installation it does not sync', async () => {
    const { deps } = objectSyncFakes([]);
    const sut = new ObjectSync(deps);

    await expect(sut.scopeOf(webhookEvent('create', { installation: { id: 99 }, organization: { login: 'elsewhere' } }))).resolves.toBeUndefined();
  });

  describe('with a repository that has a mapping of its own', () => {
    const OWN_MAPPING: LoadedMapping = { config: { ...LOADED_MAPPING.config }, source: { kind: 'repository', file: 'acme/api:.github/port-app-config.yml' } };

    function withOwnMapping() {
      const { deps } = objectSyncFakes([branchObject('feature')]);
      const asked: string[] = [];
      const mappedWith: LoadedMapping['config'][] = [];
      const sut = new ObjectSync({
        ...deps,
        mappingSource: {
          forOrganization: async () => LOADED_MAPPING,
          forRepository: async (_client, organization, repository) => {
            asked.push(`${organization}/${repository}`);
            return repository === 'api' ? OWN_MAPPING : LOADED_MAPPING;
          },
        },
        mapping: {
          mapLive: async (config, ...rest) => {
            mappedWith.push(config);
            return deps.mapping.mapLive(config, ...rest);
          },
        },
      });
      return { sut, asked, mappedWith };
    }

    it("maps the repository's event with the repository's own mapping, and another repository's with the organization's", async () => {
      const { sut, asked, mappedWith } = withOwnMapping();
      const own = webhookEvent('create', { ref: 'feature', ref_type: 'branch', repository: { name: 'api', owner: { login: 'acme' } } });
      const other = webhookEvent('create', { ref: 'feature', ref_type: 'branch', repository: { name: 'web', owner: { login: 'acme' } } });

      await sut.sync(own, await syncedScope(sut, own));
      await sut.sync(other, await syncedScope(sut, other));

      expect(asked).toEqual(['acme/api', 'acme/web']);
      expect(mappedWith).toEqual([OWN_MAPPING.config, LOADED_MAPPING.config]);
      expect(mappedWith[0]).toBe(OWN_MAPPING.config);
    });

    it("maps an organization-level event that names a repository (a team added to it) with the organization's mapping", async () => {
      const { sut, asked, mappedWith } = withOwnMapping();
      const teamEvent = webhookEvent('team', { action: 'added_to_repository', team: { slug: 'core' }, repository: { name: 'api', owner: { login: 'acme' } } });

      await sut.sync(teamEvent, await syncedScope(sut, teamEvent));

      expect(asked).toEqual([]);
      expect(mappedWith[0]).toBe(LOADED_MAPPING.config);
    });
  });
});
