import { DynamicModule, Inject, Injectable, Logger, MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, GlintConfig } from '@glint/config';
import { defaultBlueprints } from '@glint/mapping';
import { ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import type { DataSource } from 'typeorm';
import { AuthController } from './auth/auth.controller';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TokenIssuer } from './auth/token-issuer';
import { BlueprintStore } from './blueprints/blueprint-store';
import { BlueprintsController } from './blueprints/blueprints.controller';
import { BridgeClient } from './bridge/bridge-client';
import { ChangeFeed } from './changes/change-feed';
import { EntitiesController } from './entities/entities.controller';
import { EntityDeleter } from './entities/entity-deleter';
import { EntityStore } from './entities/entity-store';
import { EntityWriter } from './entities/entity-writer';
import { CatalogExceptionFilter } from './http/catalog-exception.filter';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { StorableRequestMiddleware } from './http/storable-request.middleware';
import { RunStore } from './runs/run-store';
import { RunsController } from './runs/runs.controller';
import { CATALOG_ENTITIES, CATALOG_MIGRATIONS } from './schema';
import { EntitySearch } from './search/entity-search';
import { BridgeUiController } from './ui/bridge-ui.controller';
import { CatalogUiController } from './ui/catalog-ui.controller';
import { LiveController } from './ui/live.controller';
import { UI_CREDENTIALS, UiAccessGuard, UiCredentials } from './ui/ui-access.guard';

export interface CatalogOptions {
  /** Access token lifetime; Port's is 3 hours. */
  tokenLifetimeSeconds?: number;
  /** Seed the default blueprints on the first start against a database (default true). */
  seedDefaultBlueprints?: boolean;
}

const THREE_HOURS = 3 * 60 * 60;
const SEED_OPTIONS = Symbol('SEED_OPTIONS');
const CONTROLLERS = [AuthController, BlueprintsController, EntitiesController, RunsController, CatalogUiController, LiveController, BridgeUiController];

@Injectable()
class DefaultBlueprintSeeder implements OnModuleInit {
  constructor(
    @Inject(BlueprintStore) private readonly blueprints: BlueprintStore,
    @Inject(SEED_OPTIONS) private readonly enabled: boolean,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const seeded = await this.blueprints.seedOnce(defaultBlueprints(), 'glint-catalog');
    if (seeded.length > 0) new Logger('catalog').log(`seeded the default blueprints: ${seeded.join(', ')}`);
  }
}

/** The embedded, Port-API-compatible catalog, stored in Postgres beside (not inside) the bridge's tables. */
@Module({})
export class CatalogModule implements NestModule {
  static register(config: GlintConfig, options: CatalogOptions = {}): DynamicModule {
    const persistence = PersistenceModule.forService({
      url: config.databaseUrl,
      applicationName: 'glint-catalog',
      entities: CATALOG_ENTITIES,
      migrations: CATALOG_MIGRATIONS,
      migrationsTableName: 'catalog_migrations',
    });
    const credentials = { clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret.reveal() };
    return {
      module: CatalogModule,
      imports: [
        ConfigModule.forRoot(config),
        persistence,
        ObservabilityModule.forService({
          service: 'catalog',
          imports: [persistence],
          inject: [DATA_SOURCE],
          probes: (dataSource: DataSource) => [postgresProbe(dataSource)],
        }),
      ],
      controllers: CONTROLLERS,
      providers: [
        { provide: APP_FILTER, useClass: CatalogExceptionFilter },
        { provide: TokenIssuer, useValue: new TokenIssuer({ ...credentials, lifetimeSeconds: options.tokenLifetimeSeconds ?? THREE_HOURS }) },
        { provide: UI_CREDENTIALS, useValue: (config.catalog.credentials === 'configured' ? credentials : undefined) satisfies UiCredentials },
        { provide: SEED_OPTIONS, useValue: options.seedDefaultBlueprints ?? true },
        { provide: BlueprintStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new BlueprintStore(db) },
        { provide: EntityStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new EntityStore(db) },
        { provide: RunStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new RunStore(db) },
        { provide: EntityWriter, inject: [BlueprintStore, EntityStore], useFactory: (blueprints: BlueprintStore, entities: EntityStore) => new EntityWriter(blueprints, entities) },
        { provide: EntityDeleter, inject: [BlueprintStore, EntityStore], useFactory: (blueprints: BlueprintStore, entities: EntityStore) => new EntityDeleter(blueprints, entities) },
        { provide: EntitySearch, inject: [BlueprintStore, EntityStore], useFactory: (blueprints: BlueprintStore, entities: EntityStore) => new EntitySearch(blueprints, entities) },
        // After the data source: the migrations create the triggers the feed listens to.
        { provide: ChangeFeed, inject: [DATA_SOURCE], useFactory: () => new ChangeFeed(config.databaseUrl) },
        { provide: BridgeClient, useValue: new BridgeClient(config.mapperStatusUrl) },
        BearerAuthGuard,
        UiAccessGuard,
        DefaultBlueprintSeeder,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware, StorableRequestMiddleware).forRoutes(...CONTROLLERS);
  }
}
