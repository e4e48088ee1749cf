import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, DataSourceOptions, migrate } from './data-source';
import { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS } from './schema';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Connects to Postgres and applies pending migrations before the service starts taking work.
 * A database that is down at boot fails the boot with the driver's reason: a service that cannot
 * migrate must not run against an unknown schema.
 */
@Module({})
export class PersistenceModule {
  /** The bridge's own schema (installations, deliveries, entity state, …), shared by mapper, publisher and actions. */
  static forBridge(url: string, service: string, options: Pick<DataSourceOptions, 'poolSize'> = {}): DynamicModule {
    return PersistenceModule.forService({
      ...options,
      url,
      applicationName: `glint-${service}`,
      entities: BRIDGE_ENTITIES,
      migrations: BRIDGE_MIGRATIONS,
      migrationsTableName: 'glint_migrations',
    });
  }

  static forService(options: DataSourceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = createDataSource(options);
            await dataSource.initialize();
            const applied = await migrate(dataSource);
            if (applied.length > 0) {
              new Logger(options.applicationName).log(`applied migrations: ${applied.join(', ')}`);
            }
            return dataSource;
          },
        },
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE],
    };
  }
}
