import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { MapperModule } from './mapper.module';

export function startMapper(config: GlintConfig): Promise<RunningService> {
  return startService('mapper', MapperModule.register(config), config);
}
