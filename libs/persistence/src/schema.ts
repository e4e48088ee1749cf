import { EntityState } from './entities/entity-state.entity';
import { Installation } from './entities/installation.entity';
import { CreateInstallations1763700000000 } from './migrations/1763700000000-create-installations';
import { CreateEntityState1763800000000 } from './migrations/1763800000000-create-entity-state';

/** The bridge's tables (the embedded catalog keeps its own). Add a migration for every entity change. */
export const BRIDGE_ENTITIES = [Installation, EntityState];
export const BRIDGE_MIGRATIONS = [CreateInstallations1763700000000, CreateEntityState1763800000000];
