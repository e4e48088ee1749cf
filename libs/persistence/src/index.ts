export { createDataSource, migrate, postgresProbe } from './data-source';
export type { DataSourceOptions } from './data-source';
export { ActionRunRecord } from './entities/action-run-record.entity';
export type { ActionRunState } from './entities/action-run-record.entity';
export { EntityState } from './entities/entity-state.entity';
export { Installation } from './entities/installation.entity';
export { ManagedWebhook } from './entities/managed-webhook.entity';
export { DATA_SOURCE, PersistenceModule } from './persistence.module';
export { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS } from './schema';
