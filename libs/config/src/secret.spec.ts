import { redactUrlCredentials, Secret } from './secret';

describe('Secret', () => {
  it('gives its value only through reveal()', () => {
    const sut = new Secret('s3cr3t');

    expect(sut.reveal()).toBe('s3cr3t');
    expect(`${sut}`).toBe('[redacted]');
    expect(JSON.stringify({ sut })).toBe('{"sut":"[redacted]"}');
  });
});

describe('redactUrlCredentials', () => {
  it.each([
    ['redis://:pw@host:6379', 'redis://:[redacted]@host:6379'],
    ['postgres://user:pw@host/db', 'postgres://user:[redacted]@host/db'],
    ['redis://host:6379', 'redis://host:6379'],
    ['not a url', 'not a url'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrlCredentials(input)).toBe(expected);
  });
});
