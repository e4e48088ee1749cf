import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { GlintConfig, ServiceName } from '@glint/config';
import { withServiceLogContext } from './logging/log-context';
import { secretValuesOf } from './logging/secret-values';
import { createServiceLogger } from './service-logger';

export interface RunningService {
  name: ServiceName;
  app: INestApplication;
  url: string;
}

/**
 * Creates one service's Nest application and listens on its configured port. Everything the service starts runs in
 * its log context, so its lines name it even when several services share the process.
 */
export function startService(
  name: ServiceName,
  module: DynamicModule,
  config: GlintConfig,
  options: Pick<NestApplicationOptions, 'bodyParser'> = {},
): Promise<RunningService> {
  return withServiceLogContext(name, async () => {
    const logger = createServiceLogger(name, config.logLevel, { secrets: secretValuesOf(config) });
    const app = await NestFactory.create(module, { logger, abortOnError: false, ...options });
    const port = config.http.ports[name];
    await app.listen(port, config.http.host);
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    return { name, app, url: `http://${host}:${port}` };
  });
}
