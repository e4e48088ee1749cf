import type { LogLevel } from '@glint/config';
import { createJsonLogger, JsonLogger, ServiceLoggerOptions } from './logging/json-logger';

/** The logger a service's Nest application writes through: pino JSON lines, each naming its service, secrets redacted. */
export function createServiceLogger(service: string, level: LogLevel, options: ServiceLoggerOptions = {}): JsonLogger {
  return createJsonLogger(service, level, options);
}
