import type { CatalogConfig, GithubAuth, GithubConfig, GlintConfig, KafkaConfig, ServiceName } from './config.types';
import { LOG_LEVELS, SERVICE_NAMES } from './config.types';
import { Env, EnvReader } from './env-reader';
import { withRedactedPrinting } from './describe-config';
import { parsePrivateKey } from './private-key';
import { Secret } from './secret';

export const DEFAULT_PORT_API_URL = 'https://api.getport.io';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates the whole environment contract (.env.example lists it) in one pass. `services` are the processes
 * about to run: a variable only one of them needs (the webhook secret for the gateway) is required only then.
 * Throws a ConfigError that lists every missing or invalid variable.
 */
export function loadConfig(env: Env, services: readonly ServiceName[] = SERVICE_NAMES): GlintConfig {
  const reader = new EnvReader(env);

  const http = {
    host: reader.string('HTTP_HOST', '0.0.0.0'),
    ports: {
      gateway: reader.int('PORT', 3000, TCP_PORT),
      mapper: reader.int('MAPPER_HTTP_PORT', 3001, TCP_PORT),
      publisher: reader.int('PUBLISHER_HTTP_PORT', 3002, TCP_PORT),
      actions: reader.int('ACTIONS_HTTP_PORT', 3003, TCP_PORT),
      catalog: reader.int('CATALOG_HTTP_PORT', 3004, TCP_PORT),
    },
  };

  const webhookSecret = reader.raw('WEBHOOK_SECRET');
  const previousSecret = reader.raw('WEBHOOK_SECRET_PREVIOUS');
  const baseUrl = readBaseUrl(reader);
  if (!webhookSecret && services.includes('gateway')) reader.missing('WEBHOOK_SECRET', 'the gateway verifies every webhook');
  else if (!webhookSecret && baseUrl && services.includes('mapper')) reader.missing('WEBHOOK_SECRET', 'BASE_URL is set: the organization webhooks the mapper creates are signed with it');

  const github = readGithub(reader);
  const catalog = readCatalog(reader, http.ports.catalog);
  const config: GlintConfig = {
    services,
    http: { ...http, catalogHost: readCatalogHost(reader, catalog, services) },
    webhook: {
      secret: webhookSecret ? new Secret(webhookSecret) : undefined,
      previousSecret: previousSecret ? new Secret(previousSecret) : undefined,
      baseUrl,
      maxUnverifiedBytes: reader.int('WEBHOOK_UNVERIFIED_MEMORY_MB', 64, { min: 25, max: 4096 }) * MIB,
    },
    github,
    catalog,
    mapperStatusUrl: reader.url('MAPPER_STATUS_URL', ['http', 'https'], `http://127.0.0.1:${http.ports.mapper}/status`),
    redisUrl: reader.url('REDIS_URL', ['redis', 'rediss'], 'redis://127.0.0.1:6379'),
    databaseUrl: reader.url('DATABASE_URL', ['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/glint'),
    kafka: readKafka(reader),
    events: {
      partitions: reader.int('EVENT_PARTITIONS', 16, { min: 1, max: 256 }),
      workersCount: reader.int('EVENT_WORKERS_COUNT', 16, { min: 1, max: 64 }),
      liveBatchWindowMs: reader.int('LIVE_BATCH_WINDOW_MS', 20, { min: 0, max: 1000 }),
    },
    resyncIntervalMinutes: reader.int('RESYNC_INTERVAL_MINUTES', 60, { min: 0, max: 7 * 24 * 60 }),
    fullResyncIntervalHours: reader.int('FULL_RESYNC_INTERVAL_HOURS', 24, { min: 1, max: 720 }),
    redeliverySweepMinutes: reader.int('REDELIVERY_SWEEP_MINUTES', 5, { min: 0, max: 24 * 60 }),
    sendRawDataExamples: reader.bool('SEND_RAW_DATA_EXAMPLES', true),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownGraceSeconds: reader.int('SHUTDOWN_GRACE_SECONDS', 25, { min: 1, max: 3600 }),
    stallRecoverySeconds: reader.int('STALL_RECOVERY_SECONDS', 15, { min: 5, max: 600 }),
    admin: readAdmin(reader),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return withRedactedPrinting(config);
}

const TCP_PORT = { min: 1, max: 65535 };
const MIB = 1024 * 1024;

function readGithub(reader: EnvReader): GithubConfig {
  const protocol = reader.oneOf('GHE_PROTOCOL', ['https', 'http'], 'https');
  const host = readEnterpriseHost(reader);
  const organization = reader.string('GITHUB_ORGANIZATION');
  return {
    auth: readGithubAuth(reader),
    apiUrl: host ? `${protocol}://${host}/api/v3` : 'https://api.github.com',
    graphqlUrl: host ? `${protocol}://${host}/api/graphql` : 'https://api.github.com/graphql',
    enterpriseHost: host,
    organization,
    // At most 80: the rest of GitHub's 100 requests in flight per installation stays with webhooks and actions.
    maxConcurrency: reader.int('GITHUB_MAX_CONCURRENCY', 20, { min: 1, max: 80 }),
  };
}

/** Without query or fragment, since the webhook URL is `<BASE_URL>/webhook`. */
function readBaseUrl(reader: EnvReader): string | undefined {
  const value = reader.url('BASE_URL', ['http', 'https']);
  if (value === undefined) return undefined;
  const parsed = new URL(value);
  if (parsed.search !== '' || parsed.hash !== '') {
    reader.invalid('BASE_URL', 'it has a query or a fragment; give the URL the gateway is reached at, e.g. https://glint.example.com');
    return undefined;
  }
  return value;
}

function readEnterpriseHost(reader: EnvReader): string | undefined {
  const value = reader.raw('GHE_HOST');
  if (value === undefined) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    reader.invalid('GHE_HOST', `got ${JSON.stringify(value)}: give the host alone and the scheme in GHE_PROTOCOL`);
    return undefined;
  }
  const host = value.replace(/\/+$/, '');
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(host)) {
    reader.invalid('GHE_HOST', `got ${JSON.stringify(value)}, which is not a hostname`);
    return undefined;
  }
  return host;
}

function readGithubAuth(reader: EnvReader): GithubAuth {
  const appId = reader.raw('APP_ID');
  const privateKey = reader.raw('PRIVATE_KEY');
  const token = reader.raw('GITHUB_TOKEN');

  if (appId === undefined && privateKey === undefined) {
    return token ? { kind: 'token', token: new Secret(token) } : { kind: 'none' };
  }
  // Each present variable is checked even when its partner is missing, so one boot reports both problems.
  const validAppId = appId !== undefined && /^\d+$/.test(appId);
  if (appId === undefined) reader.missing('APP_ID', 'PRIVATE_KEY is set');
  else if (!validAppId) reader.invalid('APP_ID', `got ${JSON.stringify(appId)}, which is not a number`);
  const parsedKey = privateKey === undefined ? undefined : parsePrivateKey(privateKey);
  if (parsedKey === undefined) reader.missing('PRIVATE_KEY', 'APP_ID is set');
  else if (!parsedKey.ok) reader.invalid('PRIVATE_KEY', parsedKey.reason);

  if (!validAppId || !parsedKey?.ok) return { kind: 'none' };
  return { kind: 'app', appId: Number(appId), privateKey: new Secret(parsedKey.pem) };
}

/** The local pair used when no catalog credentials are configured (see `CatalogConfig.clientId`). */
export const BUILT_IN_CATALOG_CLIENT_ID = 'glint-embedded';
const BUILT_IN_CATALOG_CLIENT_SECRET = 'glint-embedded-local-secret';

function readCatalog(reader: EnvReader, embeddedPort: number): CatalogConfig {
  const clientId = reader.raw('PORT_CLIENT_ID');
  const clientSecret = reader.raw('PORT_CLIENT_SECRET');
  const url = reader.url('PORT_URL', ['http', 'https']);
  const orgId = reader.string('PORT_ORG_ID', 'local');

  if (clientId && !clientSecret) reader.missing('PORT_CLIENT_SECRET', 'PORT_CLIENT_ID is set');
  if (clientSecret && !clientId) reader.missing('PORT_CLIENT_ID', 'PORT_CLIENT_SECRET is set');
  if (clientId && clientSecret) {
    return {
      target: 'external',
      url: url ?? DEFAULT_PORT_API_URL,
      clientId,
      clientSecret: new Secret(clientSecret),
      credentials: 'configured',
      orgId,
    };
  }
  return {
    target: 'embedded',
    url: url ?? `http://127.0.0.1:${embeddedPort}`,
    clientId: BUILT_IN_CATALOG_CLIENT_ID,
    clientSecret: new Secret(BUILT_IN_CATALOG_CLIENT_SECRET),
    credentials: 'built-in',
    orgId,
  };
}

/**
 * The built-in pair is public, so a catalog accepting it listens on loopback only: by default when HTTP_HOST is unset,
 * and an explicit HTTP_HOST elsewhere is refused when this process runs the catalog.
 */
function readCatalogHost(reader: EnvReader, catalog: CatalogConfig, services: readonly ServiceName[]): string {
  const host = reader.raw('HTTP_HOST');
  if (catalog.credentials === 'configured') return host ?? '0.0.0.0';
  if (host === undefined) return '127.0.0.1';
  if (services.includes('catalog') && !isLoopback(host)) {
    reader.invalid(
      'HTTP_HOST',
      `${JSON.stringify(host)} is not a loopback address, and the embedded catalog accepts the built-in local credentials, which anyone could use: set PORT_CLIENT_ID and PORT_CLIENT_SECRET (or GLINT_CLIENT_ID and GLINT_CLIENT_SECRET) to the pair it should accept, or HTTP_HOST=127.0.0.1`,
    );
  }
  return host;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function readKafka(reader: EnvReader): KafkaConfig {
  const brokers = reader
    .string('KAFKA_BROKERS', '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  const badBroker = brokers.find((broker) => !/^[a-z0-9.-]+:\d{1,5}$/i.test(broker));
  if (badBroker) reader.invalid('KAFKA_BROKERS', `${JSON.stringify(badBroker)} is not host:port`);
  if (brokers.length === 0) reader.invalid('KAFKA_BROKERS', 'the list is empty');

  const username = reader.raw('KAFKA_SASL_USERNAME');
  const password = reader.raw('KAFKA_SASL_PASSWORD');
  if (username && !password) reader.missing('KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME is set');
  if (password && !username) reader.missing('KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD is set');
  return {
    brokers,
    sasl: username && password ? { username, password: new Secret(password) } : undefined,
  };
}

function readAdmin(reader: EnvReader): GlintConfig['admin'] {
  const username = reader.raw('ADMIN_USERNAME');
  const password = reader.raw('ADMIN_PASSWORD');
  if (username && !password) reader.missing('ADMIN_PASSWORD', 'ADMIN_USERNAME is set');
  if (password && !username) reader.missing('ADMIN_USERNAME', 'ADMIN_PASSWORD is set');
  if (username?.includes(':')) reader.invalid('ADMIN_USERNAME', 'a basic-auth user name cannot contain ":"');
  return username && password ? { username, password: new Secret(password) } : undefined;
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
