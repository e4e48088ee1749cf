import { Installation } from './entities/installation.entity';
import { CreateInstallations1763700000000 } from './migrations/1763700000000-create-installations';

/** The bridge's tables (the embedded catalog keeps its own). Add a migration for every entity change. */
export const BRIDGE_ENTITIES = [Installation];
export const BRIDGE_MIGRATIONS = [CreateInstallations1763700000000];
