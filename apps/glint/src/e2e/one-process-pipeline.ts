import { startCatalog } from '@glint/catalog';
import { CatalogClient } from '@glint/catalog-client';
import type { Env, GlintConfig } from '@glint/config';
import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
import { startPublisher } from '@glint/publisher';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, GithubSimulator, PrivateRedisServer, testConfig } from '@glint/testing';
import { Redis } from 'ioredis';
import { createStormBlueprints, stormMappingYaml } from './storm-mapping';

/** Where the simulator's organization keeps the mapping the pipeline reads. */
export const ORG_CONFIG = { repository: '.github-private', path: '.github/port-app-config.yml' };

export type PipelineService = 'catalog' | 'publisher' | 'mapper' | 'gateway';

export interface OneProcessPipeline {
  /** What the services were configured from, for a service started in a process of its own. */
  env: Env;
  config: GlintConfig;
  /** The services; a test may replace one (a restarted mapper), `close()` closes whichever runs then. */
  running: Record<PipelineService, RunningService>;
  /** A Redis connection of the test's own, for reading the queues. */
  inspector: Redis;
  catalog: CatalogClient;
  /** Where GitHub (or a test) delivers webhooks. */
  webhookUrl: string;
  close(): Promise<void>;
}

/**
 * The whole product in one process — gateway, mapper, publisher, embedded catalog — on a private Redis and a fresh
 * Postgres database, against the simulator in App mode, with the storm mapping (the shipped default plus a resource
 * for every other kind) in the organization's .github-private and its blueprints. The mapper's resync at start begins
 * at once; the simulator's webhook is left as the caller configured it.
 */
export async function startOneProcessPipeline(simulator: GithubSimulator, options: { secret: string; databaseLabel: string }): Promise<OneProcessPipeline> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const org = simulator.state.organizations[0]?.login ?? '';
    simulator.push(org, ORG_CONFIG.repository, { branch: 'main', files: { [ORG_CONFIG.path]: stormMappingYaml() } });
    const redis = await PrivateRedisServer.start();
    closers.push(() => redis.destroy());
    const database = await createTemporaryDatabase(options.databaseLabel);
    closers.push(() => database.drop());
    const env: Env = {
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      WEBHOOK_SECRET: options.secret,
      APP_ID: String(simulator.appId),
      PRIVATE_KEY: simulator.appPrivateKeyPem,
      GHE_HOST: new URL(simulator.url).host,
      GHE_PROTOCOL: 'http',
      EVENT_PARTITIONS: '4',
      EVENT_WORKERS_COUNT: '4',
      RESYNC_INTERVAL_MINUTES: '0',
      SEND_RAW_DATA_EXAMPLES: 'false',
    };
    const config = await testConfig(env);
    const inspector = new Redis(redis.url);
    closers.push(async () => inspector.disconnect());
    const running: Partial<Record<PipelineService, RunningService>> = {};
    closers.push(async () => {
      for (const name of ['gateway', 'mapper', 'publisher', 'catalog'] as const) await running[name]?.app.close();
    });
    running.catalog = await startCatalog(config);
    await createStormBlueprints(config.catalog.url, config.catalog.clientId, config.catalog.clientSecret.reveal());
    running.publisher = await startPublisher(config);
    running.mapper = await startMapper(config);
    running.gateway = await startGateway(config);
    return {
      env,
      config,
      running: running as Record<PipelineService, RunningService>,
      inspector,
      catalog: new CatalogClient({ baseUrl: running.catalog.url, clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret }),
      webhookUrl: `${running.gateway.url}/webhook`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The mapper's last resync of the (only) installation, from its `GET /status`. */
export async function lastResync(mapper: RunningService): Promise<{ syncId: string; state: string } | undefined> {
  const status = (await (await fetch(`${mapper.url}/status`)).json()) as { resyncs: Array<{ syncId: string; state: string }> };
  return status.resyncs[0];
}
