import { ActionRunRecord } from './entities/action-run-record.entity';
import { EntityState } from './entities/entity-state.entity';
import { Installation } from './entities/installation.entity';
import { ManagedWebhook } from './entities/managed-webhook.entity';
import { CreateInstallations1763700000000 } from './migrations/1763700000000-create-installations';
import { CreateEntityState1763800000000 } from './migrations/1763800000000-create-entity-state';
import { CreateActionRuns1764200000000 } from './migrations/1764200000000-create-action-runs';
import { CreateManagedWebhooks1764310000000 } from './migrations/1764310000000-create-managed-webhooks';

/** The bridge's tables (the embedded catalog keeps its own). Add a migration for every entity change. */
export const BRIDGE_ENTITIES = [Installation, EntityState, ActionRunRecord, ManagedWebhook];
export const BRIDGE_MIGRATIONS = [CreateInstallations1763700000000, CreateEntityState1763800000000, CreateActionRuns1764200000000, CreateManagedWebhooks1764310000000];
