import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { ActionsModule, ActionsOptions } from './actions.module';

export type { ActionsOptions } from './actions.module';
export type { ActionTimings } from './action-timings';
export { createKafka, kafkaProbe } from './kafka/kafka-client';
export { consumerGroupOf, runsTopicOf } from './kafka/kafka-connection';

export function startActions(config: GlintConfig, options?: ActionsOptions): Promise<RunningService> {
  return startService('actions', ActionsModule.register(config, options), config);
}
