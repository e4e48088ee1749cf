import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { GithubSimulator } from './index';
import { resolveOptions } from './options';
import { appJwt, call, Item } from './test-helpers.spec-helper';
import { WebhookReceiver } from './webhooks/receiver';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhook`;
}

describe('GithubSimulator webhooks', () => {
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let jwt: string;
  const repoName = (): string => sim.state.organization('acme')?.repos.find((repo) => repo.name !== '.github-private')?.name ?? '';

  beforeEach(async () => {
    receiver = await WebhookReceiver.start('s3cret');
    sim = await GithubSimulator.start({ seed: 2, reposPerOrg: 2, webhook: { url: receiver.url, secret: receiver.secret }, webhookTimeoutMs: 300 });
    jwt = await appJwt(sim);
  });
  afterEach(async () => {
    await sim.webhooksIdle();
    await sim.close();
    await receiver.close();
  });

  it('POSTs deliveries with GitHub headers and a valid signature over the exact bytes', async () => {
    const pull = sim.openPullRequest('acme', repoName(), { title: 'Hello' });
    const [hook] = await receiver.waitFor(1);
    expect(hook.signatureValid).toBe(true);
    expect(hook.headers).toMatchObject({
      'x-github-event': 'pull_request',
      'x-github-hook-id': String(900_000 + sim.appId),
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(sim.appId),
      'content-type': 'application/json',
    });
    expect(hook.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(hook.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(hook.payload).toMatchObject({ action: 'opened', number: pull.number, pull_request: { title: 'Hello', state: 'open' }, installation: { id: sim.installations()[0].id } });
    expect(typeof (hook.payload.installation as Item).node_id).toBe('string');
  });

  it('logs deliveries for the App: newest first, cursor pagination, details with request and response', async () => {
    for (let i = 0; i < 5; i++) sim.openIssue('acme', repoName(), { title: `Issue ${i}` });
    await sim.waitForDeliveries(5);
    const first = await call(sim, '/app/hook/deliveries?per_page=2', jwt);
    expect(first.status).toBe(200);
    const page1 = first.json<Item[]>();
    expect(page1.map((delivery) => delivery.id)).toEqual([5, 4]);
    expect(page1[0]).toMatchObject({ event: 'issues', action: 'opened', status: 'OK', status_code: 200, redelivery: false, installation_id: sim.installations()[0].id, repository_id: sim.state.repo('acme', repoName())?.id });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect(next).toContain('cursor=');
    const page2 = await call(sim, next, jwt);
    expect(page2.json<Item[]>().map((delivery) => delivery.id)).toEqual([3, 2]);
    const last = await call(sim, /<([^>]+)>; rel="next"/.exec(page2.headers.get('link') ?? '')?.[1] ?? '', jwt);
    expect(last.json<Item[]>().map((delivery) => delivery.id)).toEqual([1]);
    expect(last.headers.get('link')).toBeNull();

    const detail = (await call(sim, '/app/hook/deliveries/1', jwt)).json<Item>();
    expect(detail).toMatchObject({ id: 1, url: receiver.url, request: { headers: { 'X-GitHub-Event': 'issues' }, payload: { action: 'opened', issue: { title: 'Issue 0' } } }, response: { payload: 'ok' } });
    expect((await call(sim, '/app/hook/deliveries/99', jwt)).status).toBe(404);
    expect((await call(sim, '/app/hook/deliveries', `token ${sim.createPersonalAccessToken()}`)).status).toBe(401);
    expect(sim.deliveries().map((delivery) => delivery.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('redelivers with the same GUID, a new delivery id and redelivery: true', async () => {
    sim.openIssue('acme', repoName(), { title: 'Again' });
    const [original] = await sim.waitForDeliveries(1);
    const answer = await call(sim, `/app/hook/deliveries/${original.id}/attempts`, jwt, { method: 'POST' });
    expect(answer.status).toBe(202);
    const log = await sim.waitForDeliveries(2);
    expect(log[1]).toMatchObject({ id: 2, guid: original.guid, redelivery: true, event: 'issues', action: 'opened', status: 'OK' });
    const received = await receiver.waitFor(2);
    expect(received[1].guid).toBe(received[0].guid);
    expect(received[1].rawBody.equals(received[0].rawBody)).toBe(true);
    expect((await call(sim, '/app/hook/deliveries/2', jwt)).json()).toMatchObject({ redelivery: true, guid: original.guid });
  });

  it('records failed deliveries (non-2xx, connection refused, timeout) and does not retry them', async () => {
    receiver.status = 500;
    sim.openIssue('acme', repoName(), { title: 'Fails' });
    await sim.waitForDeliveries(1);
    receiver.status = 200;
    receiver.delayMs = 1000;
    sim.openIssue('acme', repoName(), { title: 'Slow' });
    await sim.waitForDeliveries(2);
    sim.configureWebhook({ url: await closedPortUrl(), secret: 'x' });
    sim.openIssue('acme', repoName(), { title: 'Nobody home' });
    const log = await sim.waitForDeliveries(3);
    expect(log.map((delivery) => [delivery.status, delivery.statusCode])).toEqual([
      ['Invalid HTTP Response: 500', 500],
      ['timed out', 0],
      ['failed to connect to host', 0],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.deliveries()).toHaveLength(3);
    const listed = (await call(sim, '/app/hook/deliveries', jwt)).json<Item[]>();
    expect(listed.map((delivery) => delivery.status_code)).toEqual([0, 0, 500]);
  });

  it('starts delivering once configured at run time, and stops when unset', async () => {
    sim.configureWebhook(undefined);
    sim.openIssue('acme', repoName(), { title: 'Lost' });
    await sim.webhooksIdle();
    expect(sim.deliveries()).toHaveLength(0);
    sim.configureWebhook({ url: receiver.url, secret: receiver.secret });
    sim.openIssue('acme', repoName(), { title: 'Found' });
    const [hook] = await receiver.waitFor(1);
    expect(hook.payload).toMatchObject({ issue: { title: 'Found' } });
    expect(hook.signatureValid).toBe(true);
  });

  it('keeps only the newest deliveryLogLimit attempts, and tells each listener of every attempt with when its POST started', async () => {
    const limited = await GithubSimulator.start({ seed: 2, reposPerOrg: 2, webhook: { url: receiver.url, secret: receiver.secret }, deliveryLogLimit: 3 });
    try {
      const heard: Array<{ id: number; title: unknown; startedAtMs: number }> = [];
      const unsubscribe = limited.onDelivery((record) => heard.push({ id: record.id, title: (record.request.payload['issue'] as Item | undefined)?.['title'], startedAtMs: record.startedAtMs }));
      // startedAtMs is read from the monotonic clock (performance), which may stand milliseconds apart from Date.now().
      const monotonicNow = () => performance.timeOrigin + performance.now();
      const before = monotonicNow();
      for (let i = 0; i < 5; i++) limited.openIssue('acme', repoName(), { title: `Issue ${i}` });
      await limited.waitForDeliveries(5);
      unsubscribe();
      limited.openIssue('acme', repoName(), { title: 'Unheard' });
      await limited.waitForDeliveries(6);

      expect(limited.deliveries().map((delivery) => delivery.id)).toEqual([4, 5, 6]);
      expect(heard.map((entry) => entry.title)).toEqual(['Issue 0', 'Issue 1', 'Issue 2', 'Issue 3', 'Issue 4']);
      expect(heard.every((entry, index) => entry.startedAtMs >= before && entry.startedAtMs <= monotonicNow() && (index === 0 || entry.startedAtMs >= heard[index - 1].startedAtMs))).toBe(true);
    } finally {
      await limited.webhooksIdle();
      await limited.close();
    }
  });

  it('keeps up to webhookConcurrency deliveries to one hook in flight, never more, and is idle once all are answered', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    let released = false;
    const held: Array<() => void> = [];
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const answer = () => {
          inFlight -= 1;
          res.writeHead(202).end();
        };
        if (released) return answer();
        held.push(answer);
        if (inFlight === 3) {
          released = true;
          for (const release of held.splice(0)) release();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const parallel = await GithubSimulator.start({ seed: 2, reposPerOrg: 2, webhook: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: 's' }, webhookConcurrency: 3 });
    try {
      for (let i = 0; i < 7; i++) parallel.openIssue('acme', repoName(), { title: `Issue ${i}` });
      await parallel.webhooksIdle();

      expect(mostInFlight).toBe(3);
      expect(parallel.deliveries().map((delivery) => delivery.statusCode)).toEqual(Array(7).fill(202));
      expect(() => resolveOptions({ webhookConcurrency: 0 }, 0)).toThrow('webhookConcurrency must be a whole number of at least 1, got 0');
    } finally {
      await parallel.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('organization webhooks', () => {
    let orgReceiver: WebhookReceiver;
    let pat: string;
    beforeEach(async () => {
      orgReceiver = await WebhookReceiver.start('org-secret');
      pat = `token ${sim.createPersonalAccessToken()}`;
    });
    afterEach(() => orgReceiver.close());

    it('creates, lists, updates and deletes hooks, never showing the secret, and pings a new hook', async () => {
      const created = await call(sim, '/orgs/acme/hooks', pat, { method: 'POST', body: { name: 'web', config: { url: orgReceiver.url, content_type: 'json', secret: orgReceiver.secret }, events: ['issues'], active: true } });
      expect(created.status).toBe(201);
      const hook = created.json<Item>();
      expect(hook).toMatchObject({ type: 'Organization', name: 'web', active: true, events: ['issues'], config: { url: orgReceiver.url, content_type: 'json', insecure_ssl: '0', secret: '********' } });
      expect(created.headers.get('location')).toBe(`${sim.apiUrl}/orgs/acme/hooks/${String(hook.id)}`);
      const [ping] = await orgReceiver.waitFor(1);
      expect(ping).toMatchObject({ event: 'ping', signatureValid: true, payload: { hook_id: hook.id, zen: expect.any(String) } });
      expect(ping.headers['x-github-hook-installation-target-type']).toBe('organization');
      expect((await call(sim, '/orgs/acme/hooks', pat)).json<Item[]>()).toEqual([hook]);

      const patched = await call(sim, `/orgs/acme/hooks/${String(hook.id)}`, pat, { method: 'PATCH', body: { events: ['*'], active: false } });
      expect(patched.json()).toMatchObject({ events: ['*'], active: false, config: { secret: '********' } });
      expect((await call(sim, `/orgs/acme/hooks/${String(hook.id)}`, pat, { method: 'PATCH', body: { config: { url: 'nope' } } })).status).toBe(422);
      expect((await call(sim, `/orgs/acme/hooks/${String(hook.id)}`, pat, { method: 'DELETE' })).status).toBe(204);
      expect((await call(sim, `/orgs/acme/hooks/${String(hook.id)}`, pat)).status).toBe(404);
      expect((await call(sim, '/orgs/acme/hooks', pat, { method: 'POST', body: { name: 'web' } })).status).toBe(422);
    });

    it('lets an installation manage hooks only with the organization_hooks permission, read for listing', async () => {
      const installation = sim.installations()[0];
      const minted = await call(sim, `/app/installations/${installation.id}/access_tokens`, jwt, { method: 'POST' });
      const token = `token ${minted.json<{ token: string }>().token}`;
      const body = { config: { url: orgReceiver.url, content_type: 'json', secret: orgReceiver.secret }, events: ['issues'] };
      expect((await call(sim, '/orgs/acme/hooks', token, { method: 'POST', body })).status).toBe(201);

      sim.setInstallationPermissions('acme', { organization_hooks: 'read' });
      expect((await call(sim, '/orgs/acme/hooks', token)).json<Item[]>()).toHaveLength(1);
      const denied = await call(sim, '/orgs/acme/hooks', token, { method: 'POST', body });
      expect(denied.status).toBe(403);
      expect(denied.json()).toMatchObject({ message: 'Resource not accessible by integration' });

      sim.setInstallationPermissions('acme', { organization_hooks: null });
      expect((await call(sim, '/orgs/acme/hooks', token)).status).toBe(403);
      expect((await call(sim, '/orgs/nope/hooks', token)).status).toBe(404);
      expect((await call(sim, '/orgs/acme/hooks', pat)).status).toBe(200);
    });

    it('delivers to active hooks subscribed to the event (or *), without installation, logged per hook', async () => {
      const issuesHook = (await call(sim, '/orgs/acme/hooks', pat, { method: 'POST', body: { config: { url: orgReceiver.url, content_type: 'json', secret: orgReceiver.secret }, events: ['issues'] } })).json<Item>();
      const inactive = (await call(sim, '/orgs/acme/hooks', pat, { method: 'POST', body: { config: { url: orgReceiver.url, secret: orgReceiver.secret }, events: ['*'], active: false } })).json<Item>();
      await orgReceiver.waitFor(1);
      orgReceiver.clear();
      sim.openIssue('acme', repoName(), { title: 'For the org' });
      sim.createBranch('acme', repoName(), { name: 'not-for-the-org' });
      await sim.webhooksIdle();
      const received = await orgReceiver.waitFor(1);
      expect(received.map((hook) => hook.event)).toEqual(['issues']);
      expect(received[0].payload.installation).toBeUndefined();
      expect(received[0].headers['x-github-hook-id']).toBe(String(issuesHook.id));

      const issue = sim.openIssue('acme', repoName(), { title: 'Quiet' });
      await sim.webhooksIdle();
      await call(sim, `/orgs/acme/hooks/${String(inactive.id)}`, pat, { method: 'PATCH', body: { active: true } });
      sim.closeIssue('acme', repoName(), issue.number);
      const more = await orgReceiver.waitFor(4);
      expect(more.slice(2).map((hook) => `${hook.event}.${hook.action ?? ''}`)).toEqual(['issues.closed', 'issues.closed']);
      // The formerly inactive hook has no `content_type`: GitHub's default is form encoding.
      expect(more.slice(2).some((hook) => String(hook.headers['content-type']).startsWith('application/x-www-form-urlencoded') && hook.signatureValid)).toBe(true);

      const logged = await call(sim, `/orgs/acme/hooks/${String(issuesHook.id)}/deliveries`, pat);
      expect(logged.json<Item[]>().map((delivery) => delivery.event)).toEqual(['issues', 'issues', 'issues', 'ping']);
      const id = logged.json<Item[]>()[0].id;
      expect((await call(sim, `/orgs/acme/hooks/${String(issuesHook.id)}/deliveries/${String(id)}`, pat)).json()).toMatchObject({ event: 'issues', installation_id: null });
      expect((await call(sim, `/orgs/acme/hooks/${String(issuesHook.id)}/deliveries/${String(id)}/attempts`, pat, { method: 'POST' })).status).toBe(202);
    });
  });
});
