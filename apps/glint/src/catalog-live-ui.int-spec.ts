import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { GithubSimulator, LocalBrowser, looksRendered, saveScreenshot, waitFor } from '@glint/testing';
import { lastResync, OneProcessPipeline, ORG_CONFIG, startOneProcessPipeline } from './e2e/one-process-pipeline';
import { runResyncCommand } from './resync/resync-command';

const SECRET = 'catalog-live-ui-secret';
const SCREENSHOTS = join(__dirname, '../../../reports/screenshots');

/**
 * The catalog UI of the whole product (gateway, mapper, publisher, embedded catalog in one process, against the GitHub
 * simulator), in headless Chromium that may reach nothing but this host: changes made in GitHub appear on open pages
 * without a reload, and the bridge page shows the mapper's state. Screenshots of the table, an entity page and the
 * bridge page go to reports/screenshots.
 */
describe('the catalog UI of the running bridge, live', () => {
  let simulator: GithubSimulator;
  let pipeline: OneProcessPipeline;
  let browser: LocalBrowser;
  let context: BrowserContext;
  let page: Page;

  const org = (): string => simulator.state.organizations[0]?.login ?? '';
  const catalogUrl = (): string => pipeline.running.catalog.url;

  beforeAll(async () => {
    simulator = await GithubSimulator.start({ seed: 11, organizations: 1, reposPerOrg: 3, pullRequestsPerRepo: 2, issuesPerRepo: 1 });
    pipeline = await startOneProcessPipeline(simulator, { secret: SECRET, databaseLabel: 'catalog_live_ui' });
    simulator.configureWebhook({ url: pipeline.webhookUrl, secret: SECRET });
    await waitFor('the first resync', async () => ((await lastResync(pipeline.running.mapper))?.state === 'completed' ? true : undefined), 120_000);
    browser = await LocalBrowser.launch();
    context = await browser.context({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
  }, 180_000);

  afterEach(() => {
    expect(browser.offHostRequests).toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await pipeline?.close();
    await simulator?.close();
  });

  it('adds a repository created in GitHub to the open table, without a reload', async () => {
    await page.goto(`${catalogUrl()}/blueprints/githubRepository`);
    await page.waitForSelector('body[data-live-state="open"]');
    await page.evaluate(() => Reflect.set(globalThis, 'sameDocument', true));
    const before = await page.locator('#entities tbody tr').count();

    simulator.createRepository(org(), { name: 'appears-live', description: 'Created while the table was open' });

    await page.waitForSelector('#entities tr[data-identifier="appears-live"]', { timeout: 60_000 });
    expect(await page.locator('#entities tbody tr').count()).toBe(before + 1);
    expect(await page.locator('#entities tr[data-identifier="appears-live"] td[data-column="relations.organization"] a').getAttribute('href')).toBe(`/blueprints/githubOrganization/entities/${org()}`);
    expect(await page.evaluate(() => Reflect.get(globalThis, 'sameDocument'))).toBe(true);
    expect(looksRendered(saveScreenshot(join(SCREENSHOTS, 'catalog-table.png'), await page.screenshot({ type: 'png', fullPage: true }))).ok).toBe(true);
  });

  it('changes an open entity page when its pull request is edited in GitHub', async () => {
    const repo = [...simulator.state.reposById.values()].find((candidate) => candidate.ownerLogin === org() && candidate.name !== ORG_CONFIG.repository && simulator.state.repoData(candidate).pulls.some((pull) => pull.state === 'open'));
    const pull = repo && simulator.state.repoData(repo).pulls.find((candidate) => candidate.state === 'open');
    if (!repo || !pull) throw new Error('the simulator made no open pull request');
    await page.goto(`${catalogUrl()}/blueprints/githubPullRequest/entities/${encodeURIComponent(`${repo.name}${pull.id}`)}`);
    await page.waitForSelector('body[data-live-state="open"]');
    await page.evaluate(() => Reflect.set(globalThis, 'sameDocument', true));

    simulator.editPullRequest(org(), repo.name, pull.number, { title: 'Retitled in GitHub' });

    await page.waitForSelector('#entity h1:has-text("Retitled in GitHub")', { timeout: 60_000 });
    expect(await page.evaluate(() => Reflect.get(globalThis, 'sameDocument'))).toBe(true);
    expect(await page.locator('#properties time').first().getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(looksRendered(saveScreenshot(join(SCREENSHOTS, 'catalog-entity.png'), await page.screenshot({ type: 'png', fullPage: true }))).ok).toBe(true);
  });

  it("shows the bridge's last and previous resync by kind, budget, events per minute and dead letters from the mapper's status", async () => {
    const first = await lastResync(pipeline.running.mapper);
    const lines: string[] = [];
    expect(await runResyncCommand(['--all', '--reason', 'asked for by the UI test'], pipeline.env, { out: (line) => lines.push(line), err: (line) => lines.push(line) })).toBe(0);
    await waitFor('the second resync', async () => {
      const last = await lastResync(pipeline.running.mapper);
      return last && last.syncId !== first?.syncId && last.state === 'completed' ? true : undefined;
    }, 120_000);

    await page.goto(`${catalogUrl()}/bridge`);

    expect(await page.locator('.installation h3').textContent()).toContain(org());
    expect(await page.locator('.installation > p .badge').first().textContent()).toBe('completed');
    expect(await page.locator('.installation > .kinds tbody td:first-child').allTextContents()).toEqual(expect.arrayContaining(['repository', 'pull-request']));
    expect(await page.locator('.previous-resync summary').textContent()).toMatch(/^Previous resync: completed full, started /);
    expect(Number(await page.locator('#events-per-minute').textContent())).toBeGreaterThanOrEqual(0);
    expect(await page.locator('#dead-letter-counts').textContent()).toBe('events 0, publish 0, jobs 0');
    expect(looksRendered(saveScreenshot(join(SCREENSHOTS, 'catalog-bridge.png'), await page.screenshot({ type: 'png', fullPage: true }))).ok).toBe(true);
  });
});
