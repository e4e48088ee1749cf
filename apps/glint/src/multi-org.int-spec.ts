import type { GlintConfig } from '@glint/config';
import { startMapper } from '@glint/mapper';
import { defaultMappingYaml } from '@glint/mapping';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, GithubSimulator, PrivateRedisServer, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';

const ORG_CONFIG = { repository: '.github-private', path: '.github/port-app-config.yml' };

interface ResyncReport {
  organization: string;
  state: string;
  kinds: Array<{ kind: string; objects: number }>;
}

/**
 * Which accounts a resync covers with several organizations: in PAT mode every organization the token sees, or
 * only GITHUB_ORGANIZATION; an organization whose mapping's `organizations:` list leaves it out is not synced.
 */
describe('resyncs across organizations with a personal access token', () => {
  let sim: GithubSimulator;
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let mapper: RunningService | undefined;
  let orgs: string[];

  beforeAll(async () => {
    sim = await GithubSimulator.start({ seed: 61, organizations: 3, reposPerOrg: 2, pullRequestsPerRepo: 1, rateLimit: { limit: 1_000_000, windowSeconds: 3600 } });
    orgs = sim.state.organizations.map((org) => org.login);
    // The third organization's own mapping names only the first two.
    const third = orgs[2] ?? '';
    sim.push(third, ORG_CONFIG.repository, { branch: 'main', files: { [ORG_CONFIG.path]: `organizations:\n  - ${orgs[0]}\n  - ${orgs[1]}\n${defaultMappingYaml()}` } });
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('multi_org');
  }, 60_000);

  afterEach(async () => {
    await mapper?.app.close();
    mapper = undefined;
    await redis.stop();
    await redis.start();
  });

  afterAll(async () => {
    await sim?.close();
    await database?.drop();
    await redis?.destroy();
  });

  async function resyncsAtStart(env: Record<string, string>, expected: number): Promise<ResyncReport[]> {
    const config: GlintConfig = await testConfig(
      {
        REDIS_URL: redis.url,
        DATABASE_URL: database.url,
        GITHUB_TOKEN: sim.createPersonalAccessToken(),
        GHE_HOST: new URL(sim.url).host,
        GHE_PROTOCOL: 'http',
        RESYNC_INTERVAL_MINUTES: '0',
        REDELIVERY_SWEEP_MINUTES: '0',
        SEND_RAW_DATA_EXAMPLES: 'false',
        ...env,
      },
      ['mapper'],
    );
    mapper = await startMapper(config);
    return waitFor(
      `${expected} resyncs to finish`,
      async () => {
        const status = (await (await fetch(`${mapper?.url}/status`)).json()) as { resyncs: ResyncReport[] };
        const finished = status.resyncs.filter((resync) => resync.state !== 'running');
        return finished.length === expected ? finished : undefined;
      },
      60_000,
    );
  }

  const objectsOf = (report: ResyncReport | undefined) => report?.kinds.reduce((sum, kind) => sum + kind.objects, 0) ?? -1;

  it('syncs every organization the token sees, except one whose mapping leaves it out', async () => {
    const resyncs = await resyncsAtStart({}, 3);
    const byOrg = new Map(resyncs.map((resync) => [resync.organization, resync]));

    expect([...byOrg.keys()].sort()).toEqual([...orgs].sort());
    expect(resyncs.map((resync) => resync.state)).toEqual(['completed', 'completed', 'completed']);
    expect(objectsOf(byOrg.get(orgs[0] ?? ''))).toBeGreaterThan(0);
    expect(objectsOf(byOrg.get(orgs[1] ?? ''))).toBeGreaterThan(0);
    expect(objectsOf(byOrg.get(orgs[2] ?? ''))).toBe(0);
  });

  it('syncs only GITHUB_ORGANIZATION when it is set', async () => {
    const resyncs = await resyncsAtStart({ GITHUB_ORGANIZATION: orgs[1] ?? '' }, 1);

    expect(resyncs.map((resync) => resync.organization)).toEqual([orgs[1]]);
    expect(objectsOf(resyncs[0])).toBeGreaterThan(0);
  });
});
