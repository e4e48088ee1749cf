import type { WebhookEvent } from '@glint/queue';
import { EventScope, ObjectSync } from './object-sync';
import { ACME, branchObject, objectSyncFakes, webhookEvent } from './object-sync.spec-helper';

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
});
