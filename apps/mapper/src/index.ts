import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { MapperModule, MapperOptions } from './mapper.module';

export type { MapperOptions } from './mapper.module';

export function startMapper(config: GlintConfig, options?: MapperOptions): Promise<RunningService> {
  return startService('mapper', MapperModule.register(config, options), config);
}
