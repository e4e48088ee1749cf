import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { CatalogModule } from './catalog.module';

export function startCatalog(config: GlintConfig): Promise<RunningService> {
  return startService('catalog', CatalogModule.register(config), config);
}
