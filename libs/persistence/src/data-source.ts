import type { DependencyProbe } from '@glint/observability';
import { DataSource, EntitySchema, MigrationInterface } from 'typeorm';

type Constructor<T> = new () => T;

export interface DataSourceOptions {
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell the services' connections apart. */
  applicationName: string;
  entities: ReadonlyArray<Constructor<object> | EntitySchema>;
  migrations: ReadonlyArray<Constructor<MigrationInterface>>;
  /** Each schema (bridge, catalog) records its migrations in its own table. */
  migrationsTableName: string;
  poolSize?: number;
}

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    entities: [...options.entities],
    migrations: [...options.migrations],
    migrationsTableName: options.migrationsTableName,
    migrationsRun: false,
    synchronize: false,
    poolSize: options.poolSize ?? 5,
    extra: { connectionTimeoutMillis: 2_000 },
  });
}

/**
 * Runs pending migrations under a Postgres advisory lock, so several pods (or several services in one
 * process) that start together migrate once instead of racing on the same DDL.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lockKey = advisoryLockKey(dataSource.options.migrationsTableName ?? 'migrations');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}

export function postgresProbe(dataSource: DataSource): DependencyProbe {
  return {
    name: 'postgres',
    async check() {
      await dataSource.query('SELECT 1');
    },
  };
}

/** A stable 31-bit key per migrations table for pg_advisory_lock. */
function advisoryLockKey(name: string): number {
  let hash = 0x4c696e74;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash & 0x7fffffff;
}
