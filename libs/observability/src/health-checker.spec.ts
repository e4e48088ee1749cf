import type { DependencyProbe } from './dependency-probe';
import { HealthChecker } from './health-checker';

const probe = (name: string, check: () => Promise<void>): DependencyProbe => ({ name, check });

describe('HealthChecker', () => {
  it('is ok when every dependency answers', async () => {
    const sut = new HealthChecker('mapper', [probe('redis', async () => undefined), probe('postgres', async () => undefined)]);

    const report = await sut.check();

    expect(report).toMatchObject({
      status: 'ok',
      service: 'mapper',
      dependencies: { redis: { status: 'up' }, postgres: { status: 'up' } },
    });
  });

  it('is unavailable and names the failing dependency and its error', async () => {
    const sut = new HealthChecker('gateway', [
      probe('redis', async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      }),
    ]);

    expect(await sut.check()).toMatchObject({
      status: 'unavailable',
      dependencies: { redis: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:6379' } },
    });
  });

  it('gives up on a probe that hangs after the timeout', async () => {
    const sut = new HealthChecker('actions', [probe('kafka', () => new Promise<void>(() => undefined))], 50);

    expect(await sut.check()).toMatchObject({
      status: 'unavailable',
      dependencies: { kafka: { status: 'down', error: 'no answer within 50 ms' } },
    });
  });

  it('reports the first cause of an aggregate error', async () => {
    const sut = new HealthChecker('x', [
      probe('postgres', async () => {
        throw new AggregateError([new Error('connect ECONNREFUSED ::1:5432')]);
      }),
    ]);

    expect((await sut.check()).dependencies['postgres']).toMatchObject({ error: 'connect ECONNREFUSED ::1:5432' });
  });
});
