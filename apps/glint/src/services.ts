import { startActions } from '@glint/actions';
import { startCatalog } from '@glint/catalog';
import type { GlintConfig, ServiceName } from '@glint/config';
import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
import { startPublisher } from '@glint/publisher';
import type { RunningService } from '@glint/runtime';

/**
 * Start order for `glint all`: the catalog (the default target) first, the gateway last, so that webhooks are
 * taken only once everything downstream of them is up.
 */
export const SERVICE_STARTERS: ReadonlyArray<readonly [ServiceName, (config: GlintConfig) => Promise<RunningService>]> = [
  ['catalog', startCatalog],
  ['publisher', startPublisher],
  ['mapper', startMapper],
  ['actions', startActions],
  ['gateway', startGateway],
];
