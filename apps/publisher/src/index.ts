import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { PublisherModule } from './publisher.module';

export function startPublisher(config: GlintConfig): Promise<RunningService> {
  return startService('publisher', PublisherModule.register(config), config);
}
