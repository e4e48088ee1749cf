import { SignatureOutcomeStore, SignatureOutcomesRedis } from './signature-outcomes';

class MemoryRedis implements SignatureOutcomesRedis {
  readonly values = new Map<string, string>();
  writes = 0;

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<unknown> {
    this.writes += 1;
    this.values.set(key, value);
    return 'OK';
  }
}

describe('SignatureOutcomeStore', () => {
  it('keeps the last refused delivery and when a delivery last passed', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const sut = new SignatureOutcomeStore(new MemoryRedis(), () => now);

    await sut.verified();
    now += 5_000;
    await sut.rejected('72d3162e-cc78-11e3-81ab-4c9367dc0958');

    expect(await sut.read()).toEqual({ lastRejected: { deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', at: '2026-03-01T12:00:05.000Z' }, lastVerifiedAt: '2026-03-01T12:00:00.000Z' });
  });

  it('writes a passing delivery at most once a second, but at once after a refusal', async () => {
    const redis = new MemoryRedis();
    const now = Date.parse('2026-03-01T12:00:00Z');
    const sut = new SignatureOutcomeStore(redis, () => now);

    await sut.verified();
    await sut.verified();
    await sut.rejected('d-1');
    await sut.verified();

    expect(redis.writes).toBe(3);
  });

  it('ignores a refused request without a usable delivery id', async () => {
    const redis = new MemoryRedis();
    const sut = new SignatureOutcomeStore(redis);

    await sut.rejected(undefined);
    await sut.rejected('not an id\n');

    expect(await sut.read()).toEqual({});
  });

  it('never fails the caller when Redis does', async () => {
    const sut = new SignatureOutcomeStore({ get: async () => null, set: () => Promise.reject(new Error('Connection is closed')) });

    await expect(sut.rejected('d-1')).resolves.toBeUndefined();
    await expect(sut.verified()).resolves.toBeUndefined();
  });
});
