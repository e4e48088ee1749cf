import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '@glint/config';
import { GithubAppProbe, GithubProbeError } from './github-app-probe';

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const NOW = Date.parse('2026-03-01T12:00:00Z');

function probeAnswering(answer: () => Promise<Response>, host = 'github.example.com'): GithubAppProbe {
  const config = loadConfig({ APP_ID: '42', PRIVATE_KEY: privateKey, GHE_HOST: host, DATABASE_URL: 'postgres://localhost/glint' }, ['mapper']);
  const fetchImpl: typeof fetch = () => answer();
  return new GithubAppProbe(config.github, { fetch: fetchImpl, clock: { now: () => NOW } });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

async function failureOf(work: Promise<unknown>): Promise<{ message: string; fix: string }> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GithubProbeError)) throw new Error(`expected a GithubProbeError, got ${String(error)}`);
  return { message: error.message, fix: error.fix };
}

describe('GithubAppProbe', () => {
  it('passes GET /app when GitHub answers with the App', async () => {
    await expect(probeAnswering(json(200, { id: 42, slug: 'glint' })).app()).resolves.toBeUndefined();
  });

  it('names PRIVATE_KEY when GitHub cannot decode the JWT', async () => {
    const failure = await failureOf(probeAnswering(json(401, { message: 'A JSON web token could not be decoded' })).app());

    expect(failure.message).toBe('GET /app answered 401: GitHub refused the App JWT (GitHub said: "A JSON web token could not be decoded")');
    expect(failure.fix).toMatch(/^PRIVATE_KEY is not a private key of the App APP_ID=42/);
  });

  it('names APP_ID when GitHub knows no such App', async () => {
    const failure = await failureOf(probeAnswering(json(401, { message: 'Integration not found' })).app());

    expect(failure.fix).toMatch(/^APP_ID=42 names no GitHub App on github\.example\.com/);
  });

  it("names the clock and how far it is off when GitHub refuses the JWT's times", async () => {
    const githubDate = new Date(NOW - 15 * 60_000).toUTCString();
    const failure = await failureOf(probeAnswering(json(401, { message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" }, { date: githubDate })).app());

    expect(failure.fix).toBe("the JWT's times are judged by GitHub's clock, and this machine's clock is 900 s ahead of GitHub's: synchronize it (NTP)");
  });

  it('names GHE_HOST when nothing answers there', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const failure = await failureOf(probeAnswering(() => Promise.reject(new TypeError('fetch failed', { cause: refused }))).app());

    expect(failure).toEqual({
      message: 'cannot reach GitHub at https://github.example.com/api/v3: ECONNREFUSED',
      fix: 'check GHE_HOST (github.example.com) and GHE_PROTOCOL: this machine cannot reach the GitHub Enterprise Server there',
    });
  });

  it('names GHE_HOST when what answers there is not GitHub', async () => {
    const failure = await failureOf(probeAnswering(async () => new Response('<html>Welcome</html>', { status: 200, headers: { 'content-type': 'text/html' } })).app());

    expect(failure).toEqual({
      message: "https://github.example.com/api/v3 does not answer as GitHub's API: GET /app answered 200 (text/html)",
      fix: 'check GHE_HOST (github.example.com): it must be the host name of the GitHub Enterprise Server',
    });
  });

  it('lists the installations with their account and permissions', async () => {
    const probe = probeAnswering(json(200, [{ id: 7, account: { login: 'acme' }, permissions: { issues: 'read', metadata: 'read' }, suspended_at: null }]));

    expect(await probe.installations()).toEqual([{ id: 7, account: 'acme', permissions: { issues: 'read', metadata: 'read' }, suspended: false }]);
  });
});
