import { addressOf, DependencyUnreachableError, isNetworkError } from './dependency-error';

describe('DependencyUnreachableError', () => {
  it('names the dependency, its address and the variable in one line', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6399'), { code: 'ECONNREFUSED' });

    expect(new DependencyUnreachableError('Redis', 'REDIS_URL', '127.0.0.1:6399', refused).message).toBe('cannot reach Redis at 127.0.0.1:6399 (REDIS_URL): connect ECONNREFUSED 127.0.0.1:6399');
  });

  it('takes the first reason of an AggregateError, whose own message is empty', () => {
    const reason = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '');

    expect(new DependencyUnreachableError('Postgres', 'DATABASE_URL', 'localhost:5432', reason).message).toBe('cannot reach Postgres at localhost:5432 (DATABASE_URL): connect ECONNREFUSED ::1:5432');
  });
});

describe('addressOf', () => {
  it('gives host and port without the credentials, with the default port when the URL names none', () => {
    expect(addressOf('postgres://glint:hunter2@db.internal/glint', 5432)).toBe('db.internal:5432');
    expect(addressOf('rediss://:secret@cache:6380/0', 6379)).toBe('cache:6380');
  });
});

describe('isNetworkError', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
    ['an unknown host, wrapped', new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }) }), true],
    ['a refused password', new Error('password authentication failed for user "glint"'), false],
  ])('tells %s', (_, error, expected) => {
    expect(isNetworkError(error)).toBe(expected);
  });
});
