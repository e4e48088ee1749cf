import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { CatalogModule, CatalogOptions } from './catalog.module';

export type { CatalogOptions } from './catalog.module';

export function startCatalog(config: GlintConfig, options: CatalogOptions = {}): Promise<RunningService> {
  // The catalog parses JSON bodies itself: Port's 1 MiB limit and Port's 413 answer.
  return startService('catalog', CatalogModule.register(config, options), config, { bodyParser: false });
}
