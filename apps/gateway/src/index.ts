import type { GlintConfig } from '@glint/config';
import { RunningService, startService } from '@glint/runtime';
import { GatewayModule } from './gateway.module';

export function startGateway(config: GlintConfig): Promise<RunningService> {
  return startService('gateway', GatewayModule.register(config), config);
}
