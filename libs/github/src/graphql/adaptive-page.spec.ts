import { GithubApiError } from '../client/errors';
import { AdaptivePageSize, GROW_AFTER_SUCCESSES } from './adaptive-page';
import { GraphqlQueryTooLargeError } from './graphql-client';

const tooLarge = () => new GraphqlQueryTooLargeError('POST /graphql answered 502: timeout', 502, 'timeout');

describe('AdaptivePageSize', () => {
  it('asks for the same page again at half the size while GitHub finds it too large', async () => {
    const sizes: number[] = [];
    const sut = new AdaptivePageSize(100, 10);
    const result = await sut.run('repositories', async (size) => {
      sizes.push(size);
      if (size > 25) throw tooLarge();
      return size;
    });
    expect(sizes).toEqual([100, 50, 25]);
    expect(result).toBe(25);
  });

  it('fails with a clear error once the smallest page is still too large', async () => {
    const sut = new AdaptivePageSize(20, 5);
    await expect(sut.run('pull requests of acme', async () => Promise.reject(tooLarge()))).rejects.toThrow(/pull requests of acme: .*too large \(timeout\) at 5 per page, the smallest allowed/);
  });

  it('grows back by a quarter after successes in a row, never past where it started', async () => {
    let fail = true;
    const sut = new AdaptivePageSize(100, 1);
    await sut.run('x', async (size) => {
      if (fail && size > 50) throw tooLarge();
      fail = false;
      return size;
    });
    expect(sut.current).toBe(50);
    for (let index = 0; index < GROW_AFTER_SUCCESSES; index += 1) await sut.run('x', async (size) => size);
    expect(sut.current).toBe(63);
    for (let index = 0; index < GROW_AFTER_SUCCESSES * 5; index += 1) await sut.run('x', async (size) => size);
    expect(sut.current).toBe(100);
  });

  it('passes other errors on without shrinking', async () => {
    const sut = new AdaptivePageSize(100, 1);
    await expect(sut.run('x', async () => Promise.reject(new GithubApiError('boom', 500, 'POST /graphql')))).rejects.toThrow('boom');
    expect(sut.current).toBe(100);
  });
});
