import type { RunningService } from '@glint/runtime';
import { LocalBrowser, PrivateRedisServer, testConfig } from '@glint/testing';
import { startGateway } from '../index';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the queue dashboard on the gateway, with a real Redis', () => {
  let redis: PrivateRedisServer;
  let gateway: RunningService;
  let withoutCredentials: RunningService;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    gateway = await startGateway(await testConfig({ REDIS_URL: redis.url, EVENT_PARTITIONS: '2', ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'dashboard-password' }, ['gateway']));
    withoutCredentials = await startGateway(await testConfig({ REDIS_URL: redis.url }, ['gateway']));
  });

  afterAll(async () => {
    await gateway?.app.close();
    await withoutCredentials?.app.close();
    await redis?.destroy();
  });

  const get = (service: RunningService, path: string, authorization?: string) => fetch(`${service.url}${path}`, { headers: authorization ? { authorization } : {} });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic('ops', 'guess')],
    ['a wrong user', basic('admin', 'dashboard-password')],
    ['another scheme', 'Bearer dashboard-password'],
  ])('answers 401 with a basic-auth challenge to %s', async (_label, authorization) => {
    const answer = await get(gateway, '/admin/queues', authorization);

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="Glint queues", charset="UTF-8"');
  });

  it('serves Bull Board with the right credentials, listing every queue Glint uses', async () => {
    const page = await get(gateway, '/admin/queues', basic('ops', 'dashboard-password'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<base href="/admin/queues/"');

    const api = await get(gateway, '/admin/queues/api/queues', basic('ops', 'dashboard-password'));
    const { queues } = (await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(queues.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([
      ['config-checks', false],
      ['events-dlq', true],
      ['events-p0', true],
      ['events-p1', true],
      ['jobs-dlq', true],
      ['publish', false],
      ['publish-dlq', true],
      ['resync', false],
      ['webhook-upkeep', false],
      ['workflow-run-events', false],
    ]);
  });

  it('refuses changes to the event partitions and dead-letter queues', async () => {
    const answer = await fetch(`${gateway.url}/admin/queues/api/queues/events-dlq/empty`, { method: 'PUT', headers: { authorization: basic('ops', 'dashboard-password') } });

    expect(answer.status).toBe(405);
  });

  it('opens in a browser without a single request leaving the host (no web fonts from a CDN)', async () => {
    const browser = await LocalBrowser.launch();
    try {
      const context = await browser.context({ httpCredentials: { username: 'ops', password: 'dashboard-password' } });
      const page = await context.newPage();
      await page.goto(`${gateway.url}/admin/queues`);
      await page.waitForSelector('text=events-dlq');
      await page.waitForLoadState('networkidle');

      expect(browser.offHostRequests).toEqual([]);
      expect(await page.locator('link[href*="googleapis"], link[href*="gstatic"]').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('is off without ADMIN_USERNAME and ADMIN_PASSWORD, while the other routes still answer', async () => {
    expect((await get(withoutCredentials, '/admin/queues', basic('ops', 'dashboard-password'))).status).toBe(404);
    expect((await get(withoutCredentials, '/health')).status).toBe(200);
    expect((await get(gateway, '/nothing-here')).status).toBe(404);
  });
});
