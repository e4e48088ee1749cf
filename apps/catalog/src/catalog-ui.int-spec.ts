import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { CatalogServer, TEST_BLUEPRINTS } from './catalog-server.spec-helper';
import { decodePng, pixelsUnlikeBackground } from '@glint/testing';

/** Debian's Chromium (`scripts/browser.sh` installs it for CI). */
const CHROMIUM = '/usr/bin/chromium';

describe('catalog browse UI in headless Chromium', () => {
  let catalog: CatalogServer;
  let browser: Browser;
  let page: Page;
  let runId = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/browser.sh (apt-get install chromium)`);
    catalog = await CatalogServer.start('catalog_ui', { seedDefaultBlueprints: false });
    for (const blueprint of TEST_BLUEPRINTS) await catalog.call('POST', '/v1/blueprints', { body: blueprint });
    await catalog.call('POST', '/v1/blueprints/team/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'core', title: 'Core team', properties: { slack: 'https://chat.test/core' } }] } });
    await catalog.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true&create_missing_related_entities=true', {
      body: {
        entities: [
          { identifier: 'api', title: 'API', properties: { tier: 'gold', url: 'https://api.test', stars: 7 }, relations: { team: 'core', libraries: ['lodash'] } },
          { identifier: 'web', title: '<img src=x onerror=alert(1)>', properties: { tier: 'silver', url: 'javascript:alert(1)' }, relations: { team: 'core' } },
          { identifier: 'worker', title: 'Worker', properties: { tier: 'silver' }, relations: { team: 'core' } },
        ],
      },
      headers: { 'user-agent': 'port-ocean/github-ocean/1.0.0/inst-9/exporter' },
    });
    const run = await catalog.call<{ run: { id: string } }>('POST', '/v1/actions/deploy/runs', { body: { properties: { ref: 'main' }, entity: 'api' } });
    runId = run.body.run.id;
    await catalog.call('PATCH', `/v1/actions/runs/${runId}`, { body: { link: 'https://ci.test/runs/7', statusLabel: 'dispatched' } });
    await catalog.call('POST', `/v1/actions/runs/${runId}/logs`, { body: { message: 'Workflow completed: success', terminationStatus: 'SUCCESS' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await catalog?.close();
  });

  it('lists the blueprints with their entity counts and the recent runs with status', async () => {
    await page.goto(`${catalog.url}/`);

    expect(await page.title()).toBe('Blueprints · Glint catalog');
    expect(await page.locator('[data-count="service"]').textContent()).toBe('3');
    expect(await page.locator('[data-count="library"]').textContent()).toBe('1');
    expect(await page.locator('#runs tbody tr').first().textContent()).toContain('SUCCESS');
  });

  it('shows a blueprint’s entities, searchable and filterable, without running stored markup', async () => {
    await page.goto(`${catalog.url}/`);
    await page.click('text=Service');

    expect(await page.locator('#entities tbody tr').count()).toBe(3);
    expect(await page.locator('#entities').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('#entities img').count()).toBe(0);
    expect(await page.locator('#entities a[href^="javascript:"]').count()).toBe(0);

    await page.fill('input[name=q]', 'work');
    await page.click('button[type=submit]');
    expect(await page.locator('#entities tbody td:first-child').allTextContents()).toEqual(['worker']);

    await page.fill('input[name=q]', '');
    await page.selectOption('select[name=property]', 'tier');
    await page.fill('input[name=value]', 'silver');
    await page.fill('input[name=datasource]', 'inst-9');
    await page.click('button[type=submit]');
    expect((await page.locator('#entities tbody td:first-child').allTextContents()).sort()).toEqual(['web', 'worker']);
  });

  it('shows an entity’s properties and its relations as links to the related entities', async () => {
    await page.goto(`${catalog.url}/blueprints/service`);
    await page.click('#entities >> text=api');

    expect(await page.locator('#properties').textContent()).toContain('https://api.test');
    expect(await page.locator('#meta').textContent()).toContain('port-ocean/github-ocean/1.0.0/inst-9/exporter');
    await page.click('#relations >> text=core');
    expect(page.url()).toBe(`${catalog.url}/blueprints/team/entities/core`);
    expect(await page.locator('#referrers').textContent()).toContain('API');
  });

  it('shows a run with its status, link and logs', async () => {
    await page.goto(`${catalog.url}/runs`);
    await page.click(`text=${runId}`);

    expect(await page.locator('h1 .badge').textContent()).toBe('SUCCESS');
    expect(await page.locator('#run a[href="https://ci.test/runs/7"]').count()).toBe(1);
    expect(await page.locator('#logs').textContent()).toContain('Workflow completed: success');
  });

  it('renders a page that is not blank', async () => {
    await page.goto(`${catalog.url}/blueprints/service`);

    const image = decodePng(await page.screenshot({ type: 'png' }));
    const { distinctColours, unlike, total } = pixelsUnlikeBackground(image);

    expect([image.width, image.height]).toEqual([1200, 800]);
    expect(distinctColours).toBeGreaterThan(10);
    expect(unlike / total).toBeGreaterThan(0.02);
  });

  it('answers 404 pages for unknown entities and runs', async () => {
    const entity = await page.goto(`${catalog.url}/blueprints/service/entities/nope`);
    const run = await page.goto(`${catalog.url}/runs/r_nope`);

    expect([entity?.status(), run?.status()]).toEqual([404, 404]);
    expect(await page.locator('h1').textContent()).toBe('Not found');
  });
});

describe('catalog browse UI with configured credentials', () => {
  it('asks for the client id and secret with HTTP Basic auth', async () => {
    const catalog = await CatalogServer.start('catalog_ui_auth', { seedDefaultBlueprints: false }, { PORT_CLIENT_ID: 'ui-client', PORT_CLIENT_SECRET: 'ui-secret' });
    try {
      const anonymous = await fetch(`${catalog.url}/`);
      const signedIn = await fetch(`${catalog.url}/`, { headers: { authorization: `Basic ${Buffer.from('ui-client:ui-secret').toString('base64')}` } });
      const wrong = await fetch(`${catalog.url}/`, { headers: { authorization: `Basic ${Buffer.from('ui-client:nope').toString('base64')}` } });

      expect([anonymous.status, signedIn.status, wrong.status]).toEqual([401, 200, 401]);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    } finally {
      await catalog.close();
    }
  });
});
