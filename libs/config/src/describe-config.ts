import { inspect } from 'node:util';
import type { GlintConfig } from './config.types';
import { redactUrlCredentials } from './secret';

/** The config as it may be printed: secrets are `[redacted]`, passwords inside URLs too. */
export function describeConfig(config: GlintConfig): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify({ ...config })) as Record<string, unknown>;
  return {
    ...plain,
    redisUrl: redactUrlCredentials(config.redisUrl),
    databaseUrl: redactUrlCredentials(config.databaseUrl),
    mapperStatusUrl: redactUrlCredentials(config.mapperStatusUrl),
  };
}

/** Makes `console.log(config)`, `JSON.stringify(config)` and loggers print the redacted description. */
export function withRedactedPrinting(config: GlintConfig): GlintConfig {
  Object.defineProperty(config, 'toJSON', { value: () => describeConfig(config), enumerable: false });
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => inspect(describeConfig(config), options),
    enumerable: false,
  });
  return config;
}
