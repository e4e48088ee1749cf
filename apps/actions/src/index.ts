import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { ActionsModule } from './actions.module';

export { createKafka, kafkaProbe } from './kafka/kafka-client';

export function startActions(config: GlintConfig): Promise<RunningService> {
  return startService('actions', ActionsModule.register(config), config);
}
