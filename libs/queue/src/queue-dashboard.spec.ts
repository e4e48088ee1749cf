import { basicAuthCheck } from './queue-dashboard';

const header = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('basicAuthCheck', () => {
  const sut = basicAuthCheck('ops', 'pa:ss wörd');

  it('accepts the configured user and password, a colon in the password included', () => {
    expect(sut(header('ops:pa:ss wörd'))).toBe(true);
    expect(sut(`basic   ${Buffer.from('ops:pa:ss wörd').toString('base64')}`)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a wrong password', header('ops:pass')],
    ['a wrong user', header('admin:pa:ss wörd')],
    ['the password alone', header('pa:ss wörd')],
    ['a bearer token', 'Bearer b3BzOnBhOnNzIHfDtnJk'],
    ['garbage', 'Basic !!!'],
  ])('refuses %s', (_label, value) => {
    expect(sut(value)).toBe(false);
  });
});
