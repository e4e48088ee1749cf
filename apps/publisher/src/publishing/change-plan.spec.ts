import type { EntityChange, PublishChangesJob } from '@glint/queue';
import type { StoredState } from '../state/entity-state-store';
import { contentHash, newestChanges, planChanges } from './change-plan';

const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };
const job: Pick<PublishChangesJob, 'settings' | 'origin' | 'installationId' | 'syncId'> = { settings, origin: 'exporter', installationId: '1' };
const entity = (identifier: string, stars = 1) => ({ identifier, blueprint: 'githubRepository', properties: { stars } });
const upsert = (identifier: string, observedAt: string, stars = 1): EntityChange => ({ type: 'upsert', entity: entity(identifier, stars), observedAt });
const remove = (identifier: string, observedAt: string): EntityChange => ({ type: 'delete', blueprint: 'githubRepository', identifier, observedAt });

function stored(identifier: string, observedAt: string, overrides: Partial<StoredState> = {}): [string, StoredState] {
  return [
    `githubRepository\u0000${identifier}`,
    { blueprint: 'githubRepository', identifier, installationId: '1', origin: 'exporter', contentHash: contentHash(entity(identifier), job), observedAt: new Date(observedAt), lastSyncId: null, deleted: false, ...overrides },
  ];
}

describe('planChanges', () => {
  it('writes new entities and skips an entity whose content is what was last written', () => {
    const plan = planChanges(job, newestChanges([upsert('a', '2026-01-01T00:00:00Z'), upsert('b', '2026-01-01T00:00:00Z')]), new Map([stored('a', '2025-12-31T00:00:00Z')]));

    expect(plan.upserts.map((planned) => planned.key.identifier)).toEqual(['b']);
    expect(plan.unchanged.map((key) => key.identifier)).toEqual(['a']);
  });

  it('writes an entity whose content changed', () => {
    const plan = planChanges(job, newestChanges([upsert('a', '2026-01-01T00:00:00Z', 2)]), new Map([stored('a', '2025-12-31T00:00:00Z')]));

    expect(plan.upserts).toHaveLength(1);
  });

  it('drops a change observed before the stored state, upsert or delete', () => {
    const states = new Map([stored('a', '2026-01-02T00:00:00Z'), stored('b', '2026-01-02T00:00:00Z')]);

    const plan = planChanges(job, newestChanges([upsert('a', '2026-01-01T00:00:00Z', 5), remove('b', '2026-01-01T00:00:00Z')]), states);

    expect(plan.outdated.map((key) => key.identifier)).toEqual(['a', 'b']);
    expect(plan.upserts).toEqual([]);
    expect(plan.deletes).toEqual([]);
  });

  it('keeps only the newest change per entity within a job, the later one on a tie', () => {
    const newest = newestChanges([upsert('a', '2026-01-01T00:00:02Z', 2), upsert('a', '2026-01-01T00:00:01Z', 1), remove('a', '2026-01-01T00:00:02Z')]);

    expect(newest).toHaveLength(1);
    expect(newest[0]?.change.type).toBe('delete');
  });

  it("skips a resync's delete of an entity it never wrote, and sends a live event's to the catalog", () => {
    const changes = newestChanges([remove('never-written', '2026-01-01T00:00:00Z'), remove('written', '2026-01-01T00:00:00Z')]);
    const states = new Map([stored('written', '2025-12-31T00:00:00Z')]);

    const resync = planChanges({ ...job, syncId: 'sync-1' }, changes, states);
    const live = planChanges(job, changes, states);

    expect(resync.deletes.map((planned) => planned.key.identifier)).toEqual(['written']);
    expect(resync.unchanged.map((key) => key.identifier)).toEqual(['never-written']);
    expect(live.deletes.map((planned) => planned.key.identifier)).toEqual(['never-written', 'written']);
  });

  it('revives a deleted entity with a newer upsert and skips deleting it twice', () => {
    const states = new Map([stored('a', '2026-01-01T00:00:00Z', { deleted: true, contentHash: null }), stored('b', '2026-01-01T00:00:00Z', { deleted: true, contentHash: null })]);

    const plan = planChanges(job, newestChanges([upsert('a', '2026-01-02T00:00:00Z'), remove('b', '2026-01-02T00:00:00Z')]), states);

    expect(plan.upserts.map((planned) => planned.key.identifier)).toEqual(['a']);
    expect(plan.unchanged.map((key) => key.identifier)).toEqual(['b']);
  });

  it('writes again when the write settings or the owner change, even with the same entity', () => {
    const states = new Map([stored('a', '2026-01-01T00:00:00Z')]);
    const later = newestChanges([upsert('a', '2026-01-02T00:00:00Z')]);

    expect(planChanges({ ...job, settings: { ...settings, merge: false } }, later, states).upserts).toHaveLength(1);
    expect(planChanges({ ...job, origin: 'gitops' }, later, states).upserts).toHaveLength(1);
    expect(planChanges({ ...job, installationId: '2' }, later, states).upserts).toHaveLength(1);
  });

  it('hashes content independently of key order', () => {
    expect(contentHash({ identifier: 'a', blueprint: 'b', properties: { x: 1, y: 2 } }, job)).toBe(contentHash({ blueprint: 'b', properties: { y: 2, x: 1 }, identifier: 'a' }, job));
  });
});
