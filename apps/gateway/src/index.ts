import type { GlintConfig } from '@glint/config';
import { RunningService, ServiceOptions, startService } from '@glint/runtime';
import { GatewayModule } from './gateway.module';

export function startGateway(config: GlintConfig, options: Pick<ServiceOptions, 'httpServer'> = {}): Promise<RunningService> {
  // The webhook route reads the raw bytes itself: the signature is over them, and they may be up to 25 MB.
  return startService('gateway', GatewayModule.register(config), config, { ...options, bodyParser: false });
}
