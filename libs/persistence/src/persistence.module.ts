import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { addressOf, DependencyUnreachableError, isNetworkError } from '@glint/runtime';
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
 * A database that cannot be reached at boot fails the boot with one line naming Postgres, its address and the variable
 * (DATABASE_URL); any other failure with the driver's reason: a service that cannot
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

  /** `variable`: the environment variable `options.url` comes from, named when the database cannot be reached. */
  static forService(options: DataSourceOptions, variable = 'DATABASE_URL'): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = createDataSource(options);
            try {
              await dataSource.initialize();
            } catch (error) {
              if (isNetworkError(error)) throw new DependencyUnreachableError('Postgres', variable, addressOf(options.url, 5432), error);
              throw error;
            }
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
