import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { createCatalogClient } from '@glint/catalog-client';
import { ConfigModule, GlintConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubAppProbe, SignatureOutcomeStore } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { githubLimitsRecorder, MetricsRegistry, ObservabilityModule, rateLimitRecorder, Readiness, type ReadinessTimings } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import {
  createRedisConnection,
  FailedJobSweep,
  partitionQueueName,
  PublishBatcher,
  PublishProducer,
  QueueName,
  QueueOverview,
  REDIS_CONNECTION,
  RedisModule,
  redisProbe,
  WorkflowRunEventProducer,
} from '@glint/queue';
import { GatherCohort } from '@glint/runtime';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { ConfigCheckQueue, ConfigCheckRunner, FileValidationRunner, validationRefusal } from './config-checks';
import { EventConsumerService } from './events/event-consumer.service';
import { EventMetrics } from './events/event-metrics';
import { EventRouter } from './events/event-router';
import { liveEventHandlers } from './live/live-event-handlers';
import { EntityMapping } from './mapping/entity-mapping';
import { GithubReadiness } from './readiness';
import { ResyncRunner } from './sync/resync-runner';
import { ResyncScheduler } from './sync/resync-scheduler';
import { StatusController } from './sync/status.controller';
import { SyncMetrics } from './sync/sync-metrics';
import { SyncStatusStore } from './sync/sync-status';
import { ResyncWatermarkStore } from './sync/resync-watermarks';
import { SyncedAccounts } from './mapping/synced-accounts';
import { ManagedWebhookStore, RedeliverySweep, WebhookMetrics, WebhookReconciler, type WebhookReconcilerDependencies, WebhookUpkeep } from './webhooks';

export interface MapperOptions {
  /** Tests that drive resyncs themselves turn off the one at start. */
  resyncAtStart?: boolean;
  /** Tests that reconcile the BASE_URL webhooks themselves turn off the reconcile at start. */
  webhooksAtStart?: boolean;
  /** How long a readiness report is reused and how often it is redone (tests shorten them). */
  readiness?: Partial<ReadinessTimings>;
}

const GLINT_MAPPER_CONFIG = Symbol('GLINT_MAPPER_CONFIG');

/** The mapper's own long-lived resources: a Redis connection that retries (workers, producers), the jq pool. */
@Injectable()
class MapperResources implements OnApplicationShutdown {
  readonly connection: Redis;
  readonly jq: JqEngine;
  /** The event workers, whose live events' jq runs and publish jobs are gathered (LIVE_BATCH_WINDOW_MS). */
  readonly eventWorkers: GatherCohort;

  constructor(@Inject(GLINT_MAPPER_CONFIG) config: GlintConfig) {
    this.connection = createRedisConnection(config.redisUrl, 'worker', 'mapper-jobs');
    this.eventWorkers = new GatherCohort(Math.min(config.events.workersCount, config.events.partitions));
    this.jq = new JqEngine({ gatherMs: config.events.liveBatchWindowMs });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.jq.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}


/** Turns GitHub events and resyncs into entity changes for the publisher. */
@Module({})
export class MapperModule {
  static register(config: GlintConfig, options: MapperOptions = {}): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'mapper');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'mapper');
    const observability = ObservabilityModule.forService({
      service: 'mapper',
      imports: [redis, persistence],
      inject: [REDIS_CONNECTION, DATA_SOURCE],
      probes: (connection: Redis, dataSource: DataSource) => [redisProbe(connection), postgresProbe(dataSource)],
      readiness: options.readiness,
    });
    return {
      module: MapperModule,
      imports: [ConfigModule.forRoot(config), redis, persistence, observability],
      controllers: [StatusController],
      providers: [
        { provide: GLINT_MAPPER_CONFIG, useValue: config },
        MapperResources,
        {
          provide: 'GITHUB_ACCESS',
          inject: [REDIS_CONNECTION, MetricsRegistry],
          useFactory: (connection: Redis, metrics: MetricsRegistry) =>
            createGithubAccess(config.github, {
              redis: connection,
              // Every pod of an installation keeps to GitHub's secondary limits together.
              limitsRedis: connection,
              onRateLimit: rateLimitRecorder(metrics),
              onLimits: githubLimitsRecorder(metrics, new Logger('github')),
            }),
        },
        {
          provide: GithubReadiness,
          inject: [Readiness, 'GITHUB_ACCESS', MappingConfigSource, REDIS_CONNECTION],
          useFactory: (readiness: Readiness, access: GithubAccess, mappingSource: MappingConfigSource, connection: Redis) => {
            const source = githubReadinessFor(config, { access, mappingSource, connection });
            if (source) readiness.add(source);
            return source;
          },
        },
        { provide: QueueOverview, inject: [REDIS_CONNECTION], useFactory: (connection: Redis) => new QueueOverview(connection, { partitions: config.events.partitions }) },
        {
          // Whatever ends in a failed set of the mapper's queues goes to its dead-letter queue (glint dlq).
          provide: FailedJobSweep,
          inject: [MapperResources],
          useFactory: (resources: MapperResources) => {
            const partitions = Array.from({ length: config.events.partitions }, (_, partition) => partitionQueueName(QueueName.Events, partition));
            return new FailedJobSweep(resources.connection, { queues: [...partitions, QueueName.Resync, QueueName.WebhookUpkeep, QueueName.ConfigChecks] });
          },
        },
        { provide: SyncMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new SyncMetrics(metrics) },
        { provide: SyncStatusStore, inject: [MapperResources], useFactory: (resources: MapperResources) => new SyncStatusStore(resources.connection) },
        { provide: ResyncWatermarkStore, inject: [MapperResources], useFactory: (resources: MapperResources) => new ResyncWatermarkStore(resources.connection) },
        { provide: PublishProducer, inject: [MapperResources], useFactory: (resources: MapperResources) => new PublishProducer(resources.connection) },
        { provide: MappingConfigSource, inject: [MapperResources], useFactory: (resources: MapperResources) => new MappingConfigSource(resources.jq) },
        { provide: EntityMapping, inject: [MapperResources], useFactory: (resources: MapperResources) => new EntityMapping(resources.jq) },
        {
          provide: ResyncScheduler,
          inject: ['GITHUB_ACCESS', MappingConfigSource, EntityMapping, PublishProducer, SyncStatusStore, SyncMetrics, ResyncWatermarkStore],
          useFactory: (
            access: GithubAccess,
            mappingSource: MappingConfigSource,
            mapping: EntityMapping,
            producer: PublishProducer,
            status: SyncStatusStore,
            metrics: SyncMetrics,
            watermarks: ResyncWatermarkStore,
          ) =>
            new ResyncScheduler({
              access,
              metrics,
              runner: new ResyncRunner({
                access,
                mappingSource,
                mapping,
                producer,
                status,
                metrics,
                sendRawDataExamples: config.sendRawDataExamples,
                githubConcurrency: config.github.maxConcurrency,
                watermarks,
                fullResyncIntervalHours: config.fullResyncIntervalHours,
              }),
              connection: () => createRedisConnection(config.redisUrl, 'worker', 'mapper-resync'),
              intervalMinutes: config.resyncIntervalMinutes,
              startWithResync: options.resyncAtStart,
            }),
        },
        { provide: WebhookMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new WebhookMetrics(metrics) },
        { provide: ManagedWebhookStore, inject: [DATA_SOURCE], useFactory: (dataSource: DataSource) => new ManagedWebhookStore(dataSource) },
        {
          provide: WebhookReconciler,
          inject: ['GITHUB_ACCESS', MappingConfigSource, ManagedWebhookStore, WebhookMetrics],
          useFactory: (access: GithubAccess, mappingSource: MappingConfigSource, store: ManagedWebhookStore, metrics: WebhookMetrics) =>
            webhookReconcilerFor(config, { access, accounts: new SyncedAccounts(access, mappingSource), store, metrics }),
        },
        {
          provide: RedeliverySweep,
          inject: ['GITHUB_ACCESS', ManagedWebhookStore, WebhookMetrics, MapperResources, WebhookReconciler],
          useFactory: (access: GithubAccess, store: ManagedWebhookStore, metrics: WebhookMetrics, resources: MapperResources, reconciler: WebhookReconciler | null) =>
            // Without an App webhook or BASE_URL webhooks there is no delivery log to sweep.
            config.github.auth.kind === 'app' || reconciler ? new RedeliverySweep({ access, mode: config.github.auth.kind, store, metrics, redis: resources.connection }) : null,
        },
        {
          provide: WebhookUpkeep,
          inject: [WebhookReconciler, RedeliverySweep],
          useFactory: (reconciler: WebhookReconciler | null, sweep: RedeliverySweep | null) =>
            new WebhookUpkeep({
              reconciler: reconciler ?? undefined,
              sweep: sweep ?? undefined,
              sweepMinutes: config.redeliverySweepMinutes,
              connection: () => createRedisConnection(config.redisUrl, 'worker', 'mapper-webhooks'),
              reconcileAtStart: options.webhooksAtStart,
            }),
        },
        {
          provide: ConfigCheckQueue,
          inject: ['GITHUB_ACCESS', MappingConfigSource, MapperResources],
          useFactory: (access: GithubAccess, mappingSource: MappingConfigSource, resources: MapperResources) => {
            const catalog = createCatalogClient(config.catalog);
            const runner = new ConfigCheckRunner({
              jq: resources.jq,
              mappings: mappingSource,
              blueprints: {
                missingBlueprints: async (ids) => {
                  const exists = await Promise.all(ids.map((id) => catalog.blueprintExists(id)));
                  return ids.filter((_, index) => !exists[index]);
                },
              },
            });
            const fileValidation = new FileValidationRunner({
              jq: resources.jq,
              mappings: mappingSource,
              validator: { refusal: (entity) => validationRefusal(catalog, entity) },
            });
            return new ConfigCheckQueue({ runner, fileValidation, access, connection: () => createRedisConnection(config.redisUrl, 'worker', 'mapper-config-checks') });
          },
        },
        {
          provide: EventRouter,
          inject: ['GITHUB_ACCESS', MappingConfigSource, PublishProducer, ResyncScheduler, MapperResources, WebhookReconciler, ConfigCheckQueue],
          useFactory: (
            access: GithubAccess,
            mappingSource: MappingConfigSource,
            producer: PublishProducer,
            resyncs: ResyncScheduler,
            resources: MapperResources,
            webhooks: WebhookReconciler | null,
            configChecks: ConfigCheckQueue,
          ) => {
            const workflowRuns = new WorkflowRunEventProducer(resources.connection);
            const publisher = new PublishBatcher(producer, { windowMs: config.events.liveBatchWindowMs, cohort: resources.eventWorkers });
            // Live events gather with the event workers; a resync's pages (the shared EntityMapping) gather for the window.
            const mapping = new EntityMapping(resources.jq.gatheringWith(resources.eventWorkers));
            return new EventRouter(liveEventHandlers({ access, mappingSource, mapping, publisher, resyncs, configChecks, workflowRuns, webhooks: webhooks ?? undefined }));
          },
        },
        { provide: EventMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new EventMetrics(metrics) },
        {
          provide: EventConsumerService,
          inject: [EventRouter, EventMetrics],
          useFactory: (router: EventRouter, metrics: EventMetrics) => new EventConsumerService(config, router, metrics),
        },
      ],
    };
  }
}

/** BASE_URL set: the reconciler of the organization webhooks; null without BASE_URL, or without credentials to manage them. */
function webhookReconcilerFor(config: GlintConfig, deps: Pick<WebhookReconcilerDependencies, 'access' | 'accounts' | 'store' | 'metrics'>): WebhookReconciler | null {
  const { baseUrl, secret } = config.webhook;
  if (!baseUrl || !secret) return null;
  const auth = config.github.auth;
  if (auth.kind === 'none') {
    new Logger('webhooks').warn('BASE_URL is set but there are no GitHub credentials (APP_ID and PRIVATE_KEY, or GITHUB_TOKEN): no webhook is created');
    return null;
  }
  return new WebhookReconciler({ ...deps, mode: auth.kind, baseUrl, secret });
}

/**
 * App mode: the GitHub App's readiness checks (GitHub, the installations, their permissions, the catalog, the
 * webhook secret); null otherwise, leaving readiness to the mapper's dependencies.
 */
function githubReadinessFor(
  config: GlintConfig,
  deps: { access: GithubAccess; mappingSource: MappingConfigSource; connection: Redis },
): GithubReadiness | null {
  if (config.github.auth.kind !== 'app') return null;
  const catalog = createCatalogClient(config.catalog, { maxAttempts: 1, requestTimeoutMs: 5_000 });
  return new GithubReadiness({
    probe: new GithubAppProbe(config.github),
    kindsOf: async (installation) => {
      const loaded = await deps.mappingSource.forOrganization(deps.access.clientFor(installation.id), installation.account);
      return loaded.config.resources.map((resource) => resource.kind);
    },
    catalog: async () => {
      // Any answer but a failure will do: the blueprint need not exist.
      await catalog.blueprintExists('githubRepository');
    },
    catalogFix: `check PORT_URL (${config.catalog.url}) and PORT_CLIENT_ID/PORT_CLIENT_SECRET`,
    signatures: new SignatureOutcomeStore(deps.connection),
    organization: config.github.organization,
  });
}
