import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { GlintConfig, ServiceName } from '@glint/config';
import { applyHttpServerLimits, HTTP_SERVER_LIMITS, HttpServerLimits } from './http-server-limits';
import { withServiceLogContext } from './logging/log-context';
import { secretValuesOf } from './logging/secret-values';
import { createServiceLogger } from './service-logger';

export type ServiceOptions = Pick<NestApplicationOptions, 'bodyParser'> & {
  /** The HTTP server's timeouts and connection limit, HTTP_SERVER_LIMITS unless given (tests shorten them). */
  httpServer?: HttpServerLimits;
};

export interface RunningService {
  name: ServiceName;
  app: INestApplication;
  url: string;
}

/**
 * Creates one service's Nest application and listens on its configured port, with the HTTP server's timeouts and
 * connection limit set. Everything the service starts runs in its log context, so its lines name it even when
 * several services share the process.
 */
export function startService(
  name: ServiceName,
  module: DynamicModule,
  config: GlintConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const { httpServer = HTTP_SERVER_LIMITS, ...nestOptions } = options;
  return withServiceLogContext(name, async () => {
    const logger = createServiceLogger(name, config.logLevel, { secrets: secretValuesOf(config) });
    const app = await NestFactory.create(module, { logger, abortOnError: false, ...nestOptions });
    applyHttpServerLimits(app.getHttpServer(), httpServer);
    const port = config.http.ports[name];
    const bindHost = name === 'catalog' ? config.http.catalogHost : config.http.host;
    await app.listen(port, bindHost);
    const host = bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost;
    return { name, app, url: `http://${host}:${port}` };
  });
}
