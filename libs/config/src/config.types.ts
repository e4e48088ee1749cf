import type { Secret } from './secret';

/** The processes one image can run; `glint all` runs every one of them in one Node process. */
export const SERVICE_NAMES = ['gateway', 'mapper', 'publisher', 'actions', 'catalog'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type GithubAuth =
  | { kind: 'app'; appId: number; privateKey: Secret }
  | { kind: 'token'; token: Secret }
  | { kind: 'none' };

export interface GithubConfig {
  auth: GithubAuth;
  /** REST base, `{protocol}://{GHE_HOST}/api/v3` on GitHub Enterprise Server, `https://api.github.com` otherwise. */
  apiUrl: string;
  graphqlUrl: string;
  /** Set only on GitHub Enterprise Server. */
  enterpriseHost?: string;
  organization?: string;
  /**
   * GITHUB_MAX_CONCURRENCY: resync requests in flight at once per installation, across every mapper pod (what the
   * adaptive resync concurrency starts at and grows back to). Absent: the GitHub layer's default.
   */
  maxConcurrency?: number;
}

export interface CatalogConfig {
  /** `external`: a Port/Glint API given by credentials; `embedded`: this deployment's own catalog service. */
  target: 'external' | 'embedded';
  url: string;
  /**
   * The client credentials the bridge authenticates with, and the only pair the embedded catalog accepts.
   * Without PORT_CLIENT_ID/PORT_CLIENT_SECRET they are the well-known local pair (`credentials: 'built-in'`),
   * which leaves the embedded catalog open to anyone who can reach it: fine on a laptop, not in production.
   */
  clientId: string;
  clientSecret: Secret;
  credentials: 'configured' | 'built-in';
  orgId: string;
}

export interface KafkaConfig {
  brokers: string[];
  /** SASL_SSL with SCRAM-SHA-512 (Port's managed Kafka) when set; plaintext otherwise. */
  sasl?: { username: string; password: Secret };
}

export interface HttpPorts {
  gateway: number;
  mapper: number;
  publisher: number;
  actions: number;
  catalog: number;
}

export interface GlintConfig {
  services: readonly ServiceName[];
  /**
   * `host`: HTTP_HOST, where every service listens; `catalogHost`: where the embedded catalog listens, 127.0.0.1 when
   * HTTP_HOST is unset and the catalog accepts only the built-in local pair (never anything but loopback then).
   */
  http: { host: string; catalogHost: string; ports: HttpPorts };
  /**
   * `baseUrl`: BASE_URL without trailing slashes; the mapper points each organization's webhook at `<baseUrl>/webhook`.
   * `maxUnverifiedBytes`: how many bytes of webhook bodies the gateway holds at once before their signature is verified.
   */
  webhook: { secret?: Secret; previousSecret?: Secret; baseUrl?: string; maxUnverifiedBytes: number };
  github: GithubConfig;
  catalog: CatalogConfig;
  /** MAPPER_STATUS_URL: where the catalog UI's bridge page reads the mapper's `GET /status`. */
  mapperStatusUrl: string;
  redisUrl: string;
  databaseUrl: string;
  kafka: KafkaConfig;
  events: {
    partitions: number;
    workersCount: number;
    /** How long the mapper gathers live events' jq runs and publish jobs into shared ones; 0 = off. */
    liveBatchWindowMs: number;
  };
  resyncIntervalMinutes: number;
  /** Hours between full resyncs; scheduled resyncs in between are incremental. */
  fullResyncIntervalHours: number;
  /** Minutes between redelivery sweeps of failed webhook deliveries; 0 = off. */
  redeliverySweepMinutes: number;
  sendRawDataExamples: boolean;
  logLevel: LogLevel;
  /** How long a process may take to stop (SIGTERM) before it exits anyway. */
  shutdownGraceSeconds: number;
  /** How soon a job held by a dead process (event partitions, publish queue) is taken up by another worker. */
  stallRecoverySeconds: number;
  /** HTTP basic-auth credentials of the queue dashboard; without them the dashboard is off. */
  admin?: { username: string; password: Secret };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
