import type { Redis } from 'ioredis';
import { createRedisConnection } from '@glint/queue';
import { PrivateRedisServer } from '@glint/testing';
import { SyncStatus, SyncStatusStore } from './sync-status';

const status = (syncId: string, state: SyncStatus['state']): SyncStatus => ({
  installationId: '42',
  organization: 'acme',
  syncId,
  reason: 'schedule',
  state,
  startedAt: '2026-01-01T00:00:00.000Z',
  ...(state === 'running' ? {} : { finishedAt: '2026-01-01T00:01:00.000Z' }),
  kinds: [],
  errors: [],
});

describe('SyncStatusStore on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'sync-status-test');
  });

  afterAll(async () => {
    connection?.disconnect();
    await redis?.destroy();
  });

  it('keeps the finished resync a new one replaces, so the current and the last one can be shown together', async () => {
    const sut = new SyncStatusStore(connection, 'test:resync-status');

    await sut.save(status('s-1', 'running'));
    await sut.save(status('s-1', 'completed'));
    expect(await sut.previous()).toEqual(new Map());

    await sut.save(status('s-2', 'running'));
    await sut.save(status('s-2', 'running'));
    expect((await sut.all()).map((saved) => [saved.syncId, saved.state])).toEqual([['s-2', 'running']]);
    expect(await sut.previous()).toEqual(new Map([['42', status('s-1', 'completed')]]));

    await sut.save(status('s-2', 'failed'));
    await sut.save(status('s-3', 'running'));
    expect((await sut.previous()).get('42')).toEqual(status('s-2', 'failed'));
  });

  it('does not keep a resync that never finished (its mapper died) as the last one', async () => {
    const sut = new SyncStatusStore(connection, 'test:resync-status-abandoned');

    await sut.save(status('s-1', 'completed'));
    await sut.save(status('s-2', 'running'));
    await sut.save(status('s-3', 'running'));

    expect((await sut.previous()).get('42')?.syncId).toBe('s-1');
  });
});
