import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@glint/config';
import { createGithubAccess } from '@glint/github';
import { freePort, waitFor, WebhookReceiver } from '@glint/testing';
import { REPOSITORY_ROOT } from './dockerfile';

/**
 * deploy/compose/github-simulator.cjs, the compose `simulator` profile's process, run as the container runs it
 * (cwd = the image's /app layout). It is addressed as http://localhost:<port> here, a different origin from the
 * 127.0.0.1 one the simulator knows itself by, as `simulator:3010` is in compose.
 */
describe('the compose GitHub simulator', () => {
  const token = 'glint-simulator';
  let launcher: ChildProcess;
  let receiver: WebhookReceiver;
  let publicUrl: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPOSITORY_ROOT, 'scripts/build.mjs')], { stdio: 'ignore' });
    receiver = await WebhookReceiver.start('compose-webhook-secret');
    const port = await freePort();
    publicUrl = `http://localhost:${port}`;
    launcher = spawn(process.execPath, [join(REPOSITORY_ROOT, 'deploy/compose/github-simulator.cjs')], {
      cwd: REPOSITORY_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        GITHUB_SIM_PUBLIC_URL: publicUrl,
        GITHUB_SIM_TOKEN: token,
        GITHUB_SIM_HOST: '127.0.0.1',
        GITHUB_SIM_PORT: String(port),
        GITHUB_SIM_REPOS: '3',
        GITHUB_SIM_WEBHOOK_URL: receiver.url,
        GITHUB_SIM_WEBHOOK_SECRET: receiver.secret,
      },
      stdio: 'ignore',
    });
    await waitFor('the simulator', async () => ((await fetch(`${publicUrl}/_simulator/health`)).ok ? true : undefined));
  });

  afterAll(async () => {
    launcher?.kill('SIGTERM');
    await receiver?.close();
  });

  const githubAccess = () => createGithubAccess(loadConfig({ GHE_HOST: new URL(publicUrl).host, GHE_PROTOCOL: 'http', GITHUB_TOKEN: token }, ['mapper']).github);

  it("serves Glint's GitHub client in PAT mode, following Link pages on its public address", async () => {
    const access = githubAccess();
    const [installation] = await access.installations();
    const pages: string[][] = [];
    for await (const page of access.clientFor(installation.id).paginate<{ full_name: string }>('GET /orgs/{org}/repos', { org: installation.accountLogin }, { perPage: 1 })) {
      pages.push(page.map((repository) => repository.full_name));
    }

    expect(installation.accountLogin).toBe('acme');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pages.flat()).size).toBe(pages.length);
  });

  it('writes its public address, not its own, into the URLs it answers with', async () => {
    const response = await fetch(`${publicUrl}/api/v3/orgs/acme`, { headers: { authorization: `token ${token}` } });
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ repos_url: `${publicUrl}/api/v3/orgs/acme/repos` });
    expect(body).not.toContain('127.0.0.1');
  });

  it('refuses a token other than the configured one', async () => {
    const response = await fetch(`${publicUrl}/api/v3/orgs/acme`, { headers: { authorization: 'token someone-else' } });

    expect(response.status).toBe(401);
  });

  it('sends signed webhooks for mutations made through it', async () => {
    const repositories = (await (await fetch(`${publicUrl}/api/v3/orgs/acme/repos`, { headers: { authorization: `token ${token}` } })).json()) as Array<{ name: string }>;
    const response = await fetch(`${publicUrl}/_simulator/mutations/openPullRequest`, { method: 'POST', body: JSON.stringify({ args: ['acme', repositories[0].name, { title: 'From compose' }] }) });
    const [webhook] = await receiver.waitFor(1);

    expect(response.status).toBe(200);
    expect([webhook.event, webhook.action, webhook.signatureValid]).toEqual(['pull_request', 'opened', true]);
  });
});
