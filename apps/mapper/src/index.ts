import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { MapperModule, MapperOptions } from './mapper.module';

export type { MapperOptions } from './mapper.module';
/** For tests that drive the webhook upkeep of a running mapper (`app.get(RedeliverySweep)`). */
export { RedeliverySweep, WebhookReconciler, WebhookUpkeep } from './webhooks';
export type { LogSweep, TargetResult } from './webhooks';
/** For `glint resync` and `glint status`, which request resyncs and read their state through Redis. */
export { ALL_INSTALLATIONS_JOB, deduplicationIdOf, RESYNC_JOB } from './sync/resync-scheduler';
export type { AllInstallationsJob, ResyncJob } from './sync/resync-scheduler';
export { SyncStatusStore } from './sync/sync-status';
/** For tests of `glint resync` against a real resync worker. */
export { ResyncScheduler } from './sync/resync-scheduler';
export type { ResyncRunner } from './sync/resync-runner';
export { SyncMetrics } from './sync/sync-metrics';
export type { KindProgress, SyncStatus } from './sync/sync-status';

export function startMapper(config: GlintConfig, options?: MapperOptions): Promise<RunningService> {
  return startService('mapper', MapperModule.register(config, options), config);
}
