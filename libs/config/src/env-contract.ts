/**
 * Every environment variable Glint reads, in one table. The loader takes each variable's expectation
 * from here for its error messages, and the README's env table is kept in step with it by a test.
 */
export interface EnvVariable {
  name: string;
  /** Other accepted spellings (older deployments spell the catalog variables `GLINT_*`). */
  aliases?: readonly string[];
  expects: string;
  defaultValue?: string;
  sensitive?: boolean;
}

export const ENV_CONTRACT = [
  { name: 'APP_ID', expects: 'the numeric GitHub App ID (App settings page); needs PRIVATE_KEY' },
  {
    name: 'PRIVATE_KEY',
    expects: "the GitHub App's private key: base64 of the PEM file (as docs/install-ghes.md says) or the PEM itself",
    sensitive: true,
  },
  {
    name: 'WEBHOOK_SECRET',
    expects: "the GitHub App's webhook secret (any string), used to verify X-Hub-Signature-256",
    sensitive: true,
  },
  {
    name: 'WEBHOOK_SECRET_PREVIOUS',
    expects: 'the previous webhook secret, still accepted while a rotation is under way',
    sensitive: true,
  },
  {
    name: 'WEBHOOK_UNVERIFIED_MEMORY_MB',
    expects:
      'MiB of webhook bodies the gateway holds at once before their signature is verified, 25 to 4096; past it a delivery is answered 503 with Retry-After',
    defaultValue: '64',
  },
  { name: 'GHE_HOST', expects: 'the GitHub Enterprise Server hostname, e.g. github.example.com; unset for github.com' },
  { name: 'GHE_PROTOCOL', expects: 'http or https', defaultValue: 'https' },
  { name: 'GITHUB_TOKEN', expects: 'a personal access token, used instead of APP_ID + PRIVATE_KEY', sensitive: true },
  { name: 'GITHUB_ORGANIZATION', expects: 'a GitHub organization login; when set only this organization is synced' },
  {
    name: 'GITHUB_MAX_CONCURRENCY',
    expects: 'resync requests to GitHub in flight at once per installation, across every mapper pod, 1 to 80; a secondary rate limit lowers it for a while',
    defaultValue: '20',
  },
  { name: 'PORT', expects: 'the TCP port the gateway (webhooks, /health) listens on', defaultValue: '3000' },
  { name: 'MAPPER_HTTP_PORT', expects: "the mapper's /health and /metrics port", defaultValue: '3001' },
  { name: 'PUBLISHER_HTTP_PORT', expects: "the publisher's /health and /metrics port", defaultValue: '3002' },
  { name: 'ACTIONS_HTTP_PORT', expects: "the actions service's /health and /metrics port", defaultValue: '3003' },
  { name: 'CATALOG_HTTP_PORT', expects: 'the embedded catalog API and UI port', defaultValue: '3004' },
  {
    name: 'MAPPER_STATUS_URL',
    expects: "the mapper's GET /status, an http(s) URL, which the catalog UI's bridge page shows (in the all-in-one process the mapper of the same process)",
    defaultValue: 'http://127.0.0.1:<MAPPER_HTTP_PORT>/status',
  },
  {
    name: 'HTTP_HOST',
    expects: 'the address every service binds to; the embedded catalog binds 127.0.0.1 unless catalog credentials are set',
    defaultValue: '0.0.0.0',
  },
  {
    name: 'PORT_URL',
    aliases: ['GLINT_URL', 'PORT_API_URL', 'GLINT_API_URL'],
    expects: 'the catalog API base URL (Port or Glint)',
    defaultValue: 'https://api.getport.io with credentials, the embedded catalog without',
  },
  { name: 'PORT_CLIENT_ID', aliases: ['GLINT_CLIENT_ID'], expects: 'the catalog API client id; needs PORT_CLIENT_SECRET' },
  {
    name: 'PORT_CLIENT_SECRET',
    aliases: ['GLINT_CLIENT_SECRET'],
    expects: 'the catalog API client secret; needs PORT_CLIENT_ID',
    sensitive: true,
  },
  {
    name: 'PORT_ORG_ID',
    expects: "the catalog organization id (Port's credentials page); the actions topic is <PORT_ORG_ID>.runs",
    defaultValue: 'local',
  },
  { name: 'REDIS_URL', expects: 'a redis:// or rediss:// URL', defaultValue: 'redis://127.0.0.1:6379' },
  {
    name: 'DATABASE_URL',
    expects: 'a postgres:// URL',
    defaultValue: 'postgres://postgres@127.0.0.1:5432/glint',
  },
  { name: 'KAFKA_BROKERS', expects: 'comma-separated host:port list', defaultValue: '127.0.0.1:9092' },
  { name: 'KAFKA_SASL_USERNAME', expects: 'SCRAM-SHA-512 username (turns on SASL_SSL); needs KAFKA_SASL_PASSWORD' },
  { name: 'KAFKA_SASL_PASSWORD', expects: 'SCRAM-SHA-512 password; needs KAFKA_SASL_USERNAME', sensitive: true },
  {
    name: 'BASE_URL',
    expects: "this deployment's public URL; when set the mapper creates or reconciles each organization's webhook to <BASE_URL>/webhook (needs WEBHOOK_SECRET)",
  },
  {
    name: 'EVENT_PARTITIONS',
    expects: 'how many ordered event partitions (queues) there are, 1 to 256; gateway and mapper must agree, drain queues before changing',
    defaultValue: '16',
  },
  { name: 'EVENT_WORKERS_COUNT', expects: 'how many event partitions one mapper process works on at once, 1 to 64; `1` processes events strictly one after another', defaultValue: '16' },
  {
    name: 'LIVE_BATCH_WINDOW_MS',
    expects: "milliseconds the mapper gathers live events' jq runs and catalog changes into shared calls and publish jobs, 0 to 1000; 0 turns batching off",
    defaultValue: '20',
  },
  { name: 'RESYNC_INTERVAL_MINUTES', expects: 'minutes between scheduled resyncs, 0 turns scheduled resyncs off', defaultValue: '60' },
  {
    name: 'FULL_RESYNC_INTERVAL_HOURS',
    expects: 'hours between full resyncs (with stale cleanup), 1 to 720; the scheduled resyncs in between list only what changed since the last complete one',
    defaultValue: '24',
  },
  {
    name: 'REDELIVERY_SWEEP_MINUTES',
    expects: 'minutes between sweeps that redeliver failed webhook deliveries once, 0 turns the sweep off',
    defaultValue: '5',
  },
  { name: 'SEND_RAW_DATA_EXAMPLES', expects: 'true or false', defaultValue: 'true' },
  { name: 'LOG_LEVEL', expects: 'fatal, error, warn, info, debug or trace', defaultValue: 'info' },
  {
    name: 'SHUTDOWN_GRACE_SECONDS',
    expects: 'seconds a stopping process may take to finish or hand back its work before it exits anyway, 1 to 3600',
    defaultValue: '25',
  },
  {
    name: 'STALL_RECOVERY_SECONDS',
    expects: 'seconds after which the queued job a dead mapper or publisher held is taken up by another one, 5 to 600',
    defaultValue: '15',
  },
  { name: 'ADMIN_USERNAME', expects: "the user name of the gateway's queue dashboard (/admin/queues); needs ADMIN_PASSWORD" },
  { name: 'ADMIN_PASSWORD', expects: "the password of the gateway's queue dashboard; needs ADMIN_USERNAME", sensitive: true },
] as const satisfies readonly EnvVariable[];

export type EnvName = (typeof ENV_CONTRACT)[number]['name'];

export function envVariable(name: EnvName): EnvVariable {
  const variable = ENV_CONTRACT.find((candidate) => candidate.name === name);
  if (!variable) throw new Error(`${name} is not part of the environment contract`);
  return variable;
}
