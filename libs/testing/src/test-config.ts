import { Env, GlintConfig, loadConfig, ServiceName, SERVICE_NAMES } from '@glint/config';
import { freePort } from './private-redis-server';
import { testServices } from './real-services';

/**
 * A validated config for services under test: the real local services, a free port for every service,
 * and `env` on top (a temporary database's URL, a private Redis, …).
 */
export async function testConfig(env: Env = {}, services: readonly ServiceName[] = SERVICE_NAMES): Promise<GlintConfig> {
  const [gateway, mapper, publisher, actions, catalog] = await Promise.all(SERVICE_NAMES.map(() => freePort()));
  return loadConfig(
    {
      WEBHOOK_SECRET: 'integration-test-secret',
      HTTP_HOST: '127.0.0.1',
      REDIS_URL: testServices.redisUrl,
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      LOG_LEVEL: 'warn',
      PORT: String(gateway),
      MAPPER_HTTP_PORT: String(mapper),
      PUBLISHER_HTTP_PORT: String(publisher),
      ACTIONS_HTTP_PORT: String(actions),
      CATALOG_HTTP_PORT: String(catalog),
      ...env,
    },
    services,
  );
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function getJson<T = unknown>(url: string): Promise<HttpAnswer<T>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as T };
}
