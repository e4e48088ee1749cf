import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { Client } from 'pg';
import { CatalogClient } from '@glint/catalog-client';
import { freePort, LocalBrowser } from '@glint/testing';
import { CatalogServer } from './catalog-server.spec-helper';

const owner = { installation: 'inst-1', origin: 'exporter' } as const;

const BLUEPRINTS = [
  { identifier: 'team', title: 'Team', schema: { properties: { slack: { type: 'string', format: 'url' } }, required: [] } },
  {
    identifier: 'app',
    title: 'App',
    schema: {
      properties: {
        url: { type: 'string', format: 'url', title: 'URL' },
        stars: { type: 'number', title: 'Stars' },
        public: { type: 'boolean' },
        tier: { type: 'string', enum: ['gold', 'silver'], enumColors: { gold: 'yellow', silver: 'lightGray' } },
        released: { type: 'string', format: 'date-time', title: 'Released' },
        tags: { type: 'array', items: { type: 'string' } },
        config: { type: 'object' },
        readme: { type: 'string', format: 'markdown', title: 'README' },
      },
      required: [],
    },
    relations: { team: { target: 'team', required: false, many: false, title: 'Owning team' } },
  },
];

const HOSTILE_README = '# Hello\n**bold** [docs](https://docs.test/a) [bad](javascript:alert(1)) <script>window.ran = 1</script> <img src=x onerror="window.ran = 2">';

/** A fake mapper answering `GET /status` as one does; its event lag grows by a second with every answer. */
function mapperStatus(): Server {
  let answers = 0;
  return createServer((request, response) => {
    if (request.url !== '/status') return void response.writeHead(404).end();
    answers += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        resyncs: [
          {
            installationId: '4242',
            organization: 'acme',
            syncId: 's-1',
            reason: 'schedule',
            state: 'running',
            mode: 'full',
            startedAt: new Date(Date.now() - 90_000).toISOString(),
            units: 120,
            kinds: [
              { kind: 'repository', pages: 3, objects: 250, entities: 248, filtered: 2, mappingIssues: 0, units: 90, done: true },
              { kind: 'pull-request', pages: 1, objects: 10, entities: 10, filtered: 0, mappingIssues: 1, units: 30, done: false },
            ],
            errors: [],
            rateLimits: { core: { limit: 5000, remaining: 4200, resetAt: new Date(Date.now() + 1_800_000).toISOString() } },
            watermark: new Date(Date.now() - 3_600_000).toISOString(),
            outlook: { unitsStillNeeded: 80, basis: 'previous-resync' },
            previous: {
              installationId: '4242',
              organization: 'acme',
              syncId: 's-0',
              reason: 'start',
              state: 'completed',
              mode: 'full',
              startedAt: new Date(Date.now() - 7_200_000).toISOString(),
              finishedAt: new Date(Date.now() - 7_000_000).toISOString(),
              units: 190,
              kinds: [{ kind: 'repository', pages: 3, objects: 249, entities: 247, filtered: 2, mappingIssues: 0, done: true }],
              errors: [],
            },
          },
        ],
        queues: { lagSeconds: answers, deadLetters: { events: 1, publish: 0, jobs: 0 }, failedJobs: 0, partitions: [{ partition: 0, depth: 3, oldestWaitingSeconds: 4 }], publish: { depth: 0, oldestWaitingSeconds: 0, catalog: { state: 'available' } } },
        events: { perMinute: [2, 42, 30, 0, 5] },
        deadLetters: [{ source: 'events', id: 'd-1', subject: 'pull_request.opened acme/api#7', error: 'jq: error: Cannot index string with "name"', failedAt: new Date(Date.now() - 120_000).toISOString() }],
      }),
    );
  });
}

describe('the catalog UI, live, in headless Chromium', () => {
  let catalog: CatalogServer;
  let client: CatalogClient;
  let browser: LocalBrowser;
  let context: BrowserContext;
  let page: Page;
  let mapper: Server;

  beforeAll(async () => {
    mapper = mapperStatus();
    await new Promise<void>((resolve) => mapper.listen(0, '127.0.0.1', resolve));
    const statusUrl = `http://127.0.0.1:${(mapper.address() as AddressInfo).port}/status`;
    catalog = await CatalogServer.start('catalog_ui_live', { seedDefaultBlueprints: false }, { MAPPER_STATUS_URL: statusUrl });
    for (const blueprint of BLUEPRINTS) await catalog.call('POST', '/v1/blueprints', { body: blueprint });
    client = new CatalogClient({ baseUrl: catalog.url, clientId: catalog.config.catalog.clientId, clientSecret: catalog.config.catalog.clientSecret });
    await client.upsertEntities(
      [
        { blueprint: 'team', identifier: 'core', title: 'Core team' },
        {
          blueprint: 'app',
          identifier: 'api',
          title: 'API',
          properties: { url: 'https://api.test', stars: 7, public: true, tier: 'gold', released: new Date(Date.now() - 3.5 * 86_400_000).toISOString(), tags: ['go', 'grpc'], config: { region: 'eu', replicas: 3 }, readme: HOSTILE_README },
          relations: { team: 'core' },
        },
        { blueprint: 'app', identifier: 'web', title: 'Web', properties: { stars: 42, tier: 'silver' }, relations: { team: 'core' } },
        { blueprint: 'app', identifier: 'worker', title: 'Worker', properties: { stars: 3, tier: 'silver' } },
      ],
      { owner, merge: false, createMissingRelatedEntities: false },
    );
    browser = await LocalBrowser.launch();
    context = await browser.context();
    page = await context.newPage();
  });

  afterEach(() => {
    expect(browser.offHostRequests).toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await catalog?.close();
    mapper?.close();
  });

  const cells = (column: string) => page.locator(`#entities tbody td[data-column="${column}"]`).allTextContents();

  it('shows every property of the blueprint and its relations as links to the related entities', async () => {
    await page.goto(`${catalog.url}/blueprints/app`);

    const headers = await page.locator('#entities thead th').allTextContents();
    expect([headers[0], headers[1], headers.at(-2), headers.at(-1)]).toEqual(['Identifier ▲', 'Title', 'Owning team', 'Updated']);
    expect(headers.slice(2, -2).sort()).toEqual(['config', 'public', 'README', 'Released', 'Stars', 'tags', 'tier', 'URL'].sort());
    expect(await page.locator('#entities tr[data-identifier="api"] td[data-column="relations.team"] a').getAttribute('href')).toBe('/blueprints/team/entities/core');
    expect(await page.locator('#entities tr[data-identifier="api"] td[data-column="properties.tags"] li').allTextContents()).toEqual(['go', 'grpc']);
    expect(await page.locator('#entities tr[data-identifier="api"] td[data-column="properties.config"] dt').allTextContents()).toEqual(['region', 'replicas']);
  });

  it('sorts by the column whose header is clicked, and the other way on a second click', async () => {
    await page.goto(`${catalog.url}/blueprints/app`);

    await page.click('#entities th[data-column="properties.stars"] a');
    expect(await cells('$identifier')).toEqual(['worker', 'api', 'web']);
    expect(await page.locator('th[aria-sort]').getAttribute('data-column')).toBe('properties.stars');

    await page.click('#entities th[data-column="properties.stars"] a');
    expect(await cells('$identifier')).toEqual(['web', 'api', 'worker']);
    expect(page.url()).toBe(`${catalog.url}/blueprints/app?sort=properties.stars&order=desc`);
  });

  it('counts the entities that match the filter, and each enum value among them', async () => {
    const valueCounts = (property: string) => page.locator(`#filter-counts [data-property="${property}"] a`).allTextContents();
    await page.goto(`${catalog.url}/blueprints/app`);
    expect(await page.locator('#summary').textContent()).toBe('3 entities');
    expect(await valueCounts('tier')).toEqual(['silver 2', 'gold 1']);
    expect(await valueCounts('public')).toEqual(['true 1']);

    await page.selectOption('select[name=property]', 'tier');
    await page.fill('input[name=value]', 'silver');
    await page.click('button[type=submit]');

    expect(await page.locator('#summary').textContent()).toBe('2 of 3 entities match the filter');
    expect(await page.locator('#entities tbody tr').count()).toBe(2);
    expect(await valueCounts('tier')).toEqual(['silver 2']);
    expect(await valueCounts('public')).toEqual([]);

    await page.fill('input[name=value]', '');
    await page.click('button[type=submit]');
    await page.click('#filter-counts [data-property="tier"] a[data-value="gold"]');
    expect(await page.locator('#summary').textContent()).toBe('1 of 3 entities match the filter');
    expect(await cells('$identifier')).toEqual(['api']);
  });

  it("shows dates humanely with the ISO value on hover, and enum values in the blueprint's colours", async () => {
    await page.goto(`${catalog.url}/blueprints/app`);
    const released = page.locator('tr[data-identifier="api"] td[data-column="properties.released"] time');

    expect(await released.textContent()).toBe('3 days ago');
    expect(await released.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await page.locator('tr[data-identifier="api"] .badge').getAttribute('class')).toBe('badge enum enum-yellow');
    expect(await page.locator('tr[data-identifier="web"] .badge').getAttribute('class')).toBe('badge enum enum-lightGray');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('tr[data-identifier="web"] .badge')).backgroundColor`)).toBe('rgb(208, 215, 222)');
  });

  it('renders a markdown property without running or linking anything hostile', async () => {
    await page.goto(`${catalog.url}/blueprints/app/entities/api`);
    const readme = page.locator('#properties tr[data-property="readme"] .markdown');

    expect(await readme.locator('h3').textContent()).toBe('Hello');
    expect(await readme.locator('strong').textContent()).toBe('bold');
    expect(await readme.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['https://docs.test/a']);
    expect(await readme.locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => Reflect.get(globalThis, 'ran'))).toBeUndefined();
  });

  it('adds, changes and removes rows of an open table as the catalog changes, without a reload', async () => {
    await page.goto(`${catalog.url}/blueprints/app`);
    await page.waitForSelector('body[data-live-state="open"]');
    await page.evaluate(() => Reflect.set(globalThis, 'sameDocument', true));

    await client.upsertEntities([{ blueprint: 'app', identifier: 'billing', title: 'Billing', properties: { stars: 1, tier: 'gold' }, relations: { team: 'core' } }], { owner, merge: false, createMissingRelatedEntities: false });
    await page.waitForSelector('#entities tr[data-identifier="billing"]');
    expect(await page.locator('#summary').textContent()).toBe('4 entities');

    await client.upsertEntities([{ blueprint: 'app', identifier: 'web', title: 'Web, renamed' }], { owner, merge: true, createMissingRelatedEntities: false });
    await page.waitForSelector('#entities tr[data-identifier="web"] td[data-column="$title"]:has-text("Web, renamed")');

    await client.deleteEntities('app', ['worker'], { owner, deleteDependents: false });
    await page.waitForSelector('#entities tr[data-identifier="worker"]', { state: 'detached' });

    expect(await page.evaluate(() => Reflect.get(globalThis, 'sameDocument'))).toBe(true);
    expect(await page.locator('#summary').textContent()).toBe('3 entities');
  });

  it('updates an open entity page and the blueprint counts of the home page', async () => {
    const home = await context.newPage();
    await home.goto(`${catalog.url}/`);
    await page.goto(`${catalog.url}/blueprints/app/entities/api`);
    await Promise.all([page.waitForSelector('body[data-live-state="open"]'), home.waitForSelector('body[data-live-state="open"]')]);

    await client.upsertEntities([{ blueprint: 'app', identifier: 'api', properties: { stars: 8 } }, { blueprint: 'app', identifier: 'search', title: 'Search' }], { owner, merge: true, createMissingRelatedEntities: false });

    await page.waitForSelector('#properties tr[data-property="stars"] td:has-text("8")');
    await home.waitForSelector('[data-count="app"]:has-text("4")');
    await home.close();
  });

  it('shows the not-found page in place when the open entity is deleted', async () => {
    await page.goto(`${catalog.url}/blueprints/app/entities/search`);
    await page.waitForSelector('body[data-live-state="open"]');

    await client.deleteEntities('app', ['search'], { owner, deleteDependents: false });

    await page.waitForSelector('main h1:has-text("Not found")');
    expect(page.url()).toBe(`${catalog.url}/blueprints/app/entities/search`);
  });

  it('catches up after the change feed lost its database connection', async () => {
    await page.goto(`${catalog.url}/blueprints/app`);
    await page.waitForSelector('body[data-live-state="open"]');
    const admin = new Client({ connectionString: catalog.database.url });
    await admin.connect();
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'glint-catalog-changes' AND datname = current_database()");
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }

    await client.upsertEntities([{ blueprint: 'app', identifier: 'after-outage', title: 'After the outage' }], { owner, merge: false, createMissingRelatedEntities: false });

    await page.waitForSelector('#entities tr[data-identifier="after-outage"]');
  });

  it('refreshes the bridge page on its own, without a reload', async () => {
    await page.goto(`${catalog.url}/bridge`);
    await page.evaluate(() => Reflect.set(globalThis, 'sameDocument', true));
    const before = (await page.locator('#bridge-overview').textContent()) ?? '';

    // The stand-in mapper's lag grows with each answer, so the next poll changes the overview.
    await page.locator('#bridge-overview', { hasNotText: before }).waitFor();

    expect(await page.evaluate(() => Reflect.get(globalThis, 'sameDocument'))).toBe(true);
  });

  it('shows the bridge: the resync with its progress by kind, budgets, events per minute and dead letters with reasons', async () => {
    await page.goto(`${catalog.url}/bridge`);

    expect(await page.locator('.installation h3').textContent()).toBe('acme (installation 4242)');
    expect(await page.locator('.installation > .kinds tbody tr td:first-child').allTextContents()).toEqual(['repository', 'pull-request']);
    expect(await page.locator('.installation .kinds tr[data-kind="pull-request"] td:nth-child(2)').textContent()).toBe('listing…');
    expect(await page.locator('.installation progress').evaluate((bar) => [bar.getAttribute('value'), bar.getAttribute('max')])).toEqual(['120', '200']);
    expect(await page.locator('.budgets').textContent()).toContain('4200 of 5000 left');
    expect(await page.locator('.installation > p').first().textContent()).toMatch(/^Current resync: running full \(schedule\),\s+started 1 minute ago/);
    expect(await page.locator('.previous-resync summary').textContent()).toBe('Previous resync: completed full, started 2 hours ago, finished 1 hour ago, 190 units');
    expect(await page.locator('.previous-resync .kinds tbody td:first-child').allTextContents()).toEqual(['repository']);
    expect(await page.locator('#events-per-minute').textContent()).toBe('42');
    expect(await page.locator('#dead-letters').textContent()).toContain('jq: error: Cannot index string with "name"');
  });
});

describe('the bridge page without a mapper', () => {
  it('says the bridge is not reachable at MAPPER_STATUS_URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/status`;
    const catalog = await CatalogServer.start('catalog_ui_bridge_down', { seedDefaultBlueprints: false }, { MAPPER_STATUS_URL: url });
    try {
      const answer = await catalog.call<string>('GET', '/bridge');

      expect(answer.status).toBe(200);
      expect(answer.body).toContain(`Bridge not reachable at <code>${url}</code> (MAPPER_STATUS_URL): fetch failed: connect ECONNREFUSED`);
    } finally {
      await catalog.close();
    }
  });
});
