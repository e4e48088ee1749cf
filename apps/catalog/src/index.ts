import type { GlintConfig } from '@glint/config';
import { RunningService, ServiceOptions, startService } from '@glint/runtime';
import { CatalogModule, CatalogOptions } from './catalog.module';

export type { CatalogOptions } from './catalog.module';

export function startCatalog(config: GlintConfig, options: CatalogOptions & Pick<ServiceOptions, 'httpServer'> = {}): Promise<RunningService> {
  const { httpServer, ...catalogOptions } = options;
  // The catalog parses JSON bodies itself: Port's 1 MiB limit and Port's 413 answer.
  return startService('catalog', CatalogModule.register(config, catalogOptions), config, { httpServer, bodyParser: false });
}
