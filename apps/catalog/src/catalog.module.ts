import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import type { DataSource } from 'typeorm';
import { CATALOG_ENTITIES, CATALOG_MIGRATIONS } from './schema';

/** The embedded, Port-API-compatible catalog, stored in Postgres beside (not inside) the bridge's tables. */
@Module({})
export class CatalogModule {
  static register(config: GlintConfig): DynamicModule {
    const persistence = PersistenceModule.forService({
      url: config.databaseUrl,
      applicationName: 'glint-catalog',
      entities: CATALOG_ENTITIES,
      migrations: CATALOG_MIGRATIONS,
      migrationsTableName: 'catalog_migrations',
    });
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
    };
  }
}
