import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { MapperModule, MapperOptions } from './mapper.module';

export type { MapperOptions } from './mapper.module';
/** For tests that drive the webhook upkeep of a running mapper (`app.get(RedeliverySweep)`). */
export { RedeliverySweep, WebhookReconciler, WebhookUpkeep } from './webhooks';
export type { LogSweep, TargetResult } from './webhooks';

export function startMapper(config: GlintConfig, options?: MapperOptions): Promise<RunningService> {
  return startService('mapper', MapperModule.register(config, options), config);
}
