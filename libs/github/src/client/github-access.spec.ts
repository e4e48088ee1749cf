import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { Secret } from '@glint/config';
import { GithubAuthenticationError, GithubPermissionError } from './errors';
import { FakeGithub, type FakeRequest, FakeTime } from './fake-github.spec-helper';
import { createGithubAccess, type GithubAccess } from './github-access';

const APP_ID = 4242;
const MINUTE = 60_000;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** RS256 check of the App JWT, as GitHub does it. */
function verifiedIssuer(authorization: string | undefined, key: KeyObject): number | undefined {
  const [scheme, jwt] = (authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !jwt) return undefined;
  const [header, payload, signature] = jwt.split('.');
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) return undefined;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: number | string }).iss as number;
}

describe('GitHub access (App mode)', () => {
  let github: FakeGithub;
  let time: FakeTime;
  let minted: string[];
  let sut: GithubAccess;

  beforeEach(async () => {
    github = new FakeGithub();
    time = new FakeTime();
    minted = [];
    github.on('POST', '/app/installations/(\\d+)/access_tokens', async (request, match) => {
      if (Number(verifiedIssuer(request.headers.authorization, publicKey)) !== APP_ID) return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
      await new Promise((resolve) => setTimeout(resolve, 10));
      const token = `ghs_${match[1]}_${minted.length + 1}`;
      minted.push(token);
      return { status: 201, body: { token, expires_at: new Date(time.clock.now() + 60 * MINUTE).toISOString(), permissions: {} } };
    });
    await github.start();
    sut = createGithubAccess(
      { auth: { kind: 'app', appId: APP_ID, privateKey: new Secret(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) }, apiUrl: github.apiUrl, graphqlUrl: '' },
      { clock: time.clock, sleep: time.sleep },
    );
  });

  afterEach(() => github.close());

  const tokenOf = (request: FakeRequest) => request.headers.authorization;

  it('reuses an installation token until 5 minutes before it expires, then mints a new one', async () => {
    github.on('GET', '/repos/acme/api', () => ({ body: { id: 1 } }));
    const client = sut.clientFor(7);

    await client.request('GET /repos/acme/api');
    time.advance(54 * MINUTE);
    await client.request('GET /repos/acme/api');
    time.advance(2 * MINUTE); // 56 minutes: inside the 5-minute margin
    await client.request('GET /repos/acme/api');

    expect(minted).toEqual(['ghs_7_1', 'ghs_7_2']);
    expect(github.requestsTo('GET', '/repos/acme/api').map(tokenOf)).toEqual(['token ghs_7_1', 'token ghs_7_1', 'token ghs_7_2']);
  });

  it('mints one token for concurrent first requests of an installation, and one per installation', async () => {
    github.on('GET', '/repos/acme/([^/]+)', () => ({ body: {} }));

    await Promise.all([
      ...Array.from({ length: 5 }, (_, index) => sut.clientFor(7).request(`GET /repos/acme/r${index}`)),
      sut.clientFor(8).request('GET /repos/acme/other'),
    ]);

    expect(minted.filter((token) => token.startsWith('ghs_7_'))).toHaveLength(1);
    expect(minted.filter((token) => token.startsWith('ghs_8_'))).toHaveLength(1);
  });

  it('refreshes the token once after a 401 and retries', async () => {
    github.on('GET', '/repos/acme/api', (request) => (tokenOf(request) === 'token ghs_7_1' ? { status: 401, body: { message: 'Bad credentials' } } : { body: { id: 1 } }));

    await expect(sut.clientFor(7).request('GET /repos/acme/api')).resolves.toEqual({ id: 1 });

    expect(minted).toEqual(['ghs_7_1', 'ghs_7_2']);
  });

  it('raises GithubAuthenticationError when the refreshed token is refused too', async () => {
    github.on('GET', '/repos/acme/api', () => ({ status: 401, body: { message: 'Bad credentials' } }));

    const failure = sut.clientFor(7).request('GET /repos/acme/api');

    await expect(failure).rejects.toBeInstanceOf(GithubAuthenticationError);
    await expect(failure).rejects.toThrow('GET /repos/acme/api answered 401 again after a token refresh');
    expect(minted).toHaveLength(2);
    expect(github.requestsTo('GET', '/repos/acme/api')).toHaveLength(2);
  });

  it('names the missing App permission on a 403', async () => {
    github.on('GET', '/repos/acme/api/dependabot/alerts', () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));

    const failure = sut.clientFor(7).request('GET /repos/{owner}/{repo}/dependabot/alerts', { owner: 'acme', repo: 'api' });

    await expect(failure).rejects.toBeInstanceOf(GithubPermissionError);
    await expect(failure).rejects.toThrow(
      "GET /repos/acme/api/dependabot/alerts answered 403: the GitHub App probably lacks the 'Dependabot alerts: read' repository permission (or the installation does not include this repository)",
    );
  });

  it('reports a key GitHub refuses as GithubAuthenticationError', async () => {
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = createGithubAccess(
      { auth: { kind: 'app', appId: APP_ID, privateKey: new Secret(otherKey.export({ type: 'pkcs1', format: 'pem' }).toString()) }, apiUrl: github.apiUrl, graphqlUrl: '' },
      { clock: time.clock, sleep: time.sleep },
    );

    await expect(wrongKey.clientFor(7).request('GET /repos/acme/api')).rejects.toThrow(/access_tokens answered 401: GitHub refused the App JWT; check APP_ID and PRIVATE_KEY/);
  });

  it('authenticates /app routes with a JWT signed by the App key', async () => {
    github.on('GET', '/app', (request) => ({ body: { iss: verifiedIssuer(request.headers.authorization, publicKey) ?? null } }));

    await expect(sut.appClient().request('GET /app')).resolves.toEqual({ iss: APP_ID });
  });

  it('lists non-suspended organization and user installations, at most every 15 minutes', async () => {
    github.on('GET', '/app/installations', (request) => {
      const page = Number(request.query.get('page') ?? 1);
      const all = [
        { id: 1, account: { login: 'acme', type: 'Organization' }, suspended_at: null },
        { id: 2, account: { login: 'old', type: 'Organization' }, suspended_at: '2026-01-01T00:00:00Z' },
        { id: 3, account: { login: 'ent', type: 'Enterprise' }, suspended_at: null },
        { id: 4, account: { login: 'jane', type: 'User' }, suspended_at: null },
      ];
      return page === 1
        ? { headers: { link: `<${github.apiUrl}/app/installations?per_page=100&page=2>; rel="next"` }, body: all.slice(0, 2) }
        : { body: all.slice(2) };
    });

    const installations = await sut.installations();
    time.advance(10 * MINUTE);
    await sut.installations();

    expect(installations).toEqual([
      { id: 1, accountLogin: 'acme', accountType: 'Organization', suspended: false },
      { id: 4, accountLogin: 'jane', accountType: 'User', suspended: false },
    ]);
    expect(github.requestsTo('GET', '/app/installations')).toHaveLength(2);
    time.advance(6 * MINUTE);
    await Promise.all([sut.installations(), sut.installations()]);
    expect(github.requestsTo('GET', '/app/installations')).toHaveLength(4);
  });
});
