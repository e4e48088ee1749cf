import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { PublisherModule, PublisherOptions } from './publisher.module';

export type { PublisherOptions } from './publisher.module';

export function startPublisher(config: GlintConfig, options?: PublisherOptions): Promise<RunningService> {
  return startService('publisher', PublisherModule.register(config, options), config);
}
