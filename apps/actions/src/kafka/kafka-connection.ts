import { DynamicModule, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { CatalogClient, CatalogClientTuning, createCatalogClient } from '@glint/catalog-client';
import { GlintConfig, KafkaConfig, Secret } from '@glint/config';
import { abortableSleep, errorMessage } from '@glint/runtime';

/** Port's run topic for an organization. */
export function runsTopicOf(orgId: string): string {
  return `${orgId}.runs`;
}

/** Port's managed Kafka only lets a consumer join groups prefixed with the organization id. */
export function consumerGroupOf(orgId: string): string {
  return `${orgId}.glint-actions`;
}

/**
 * KAFKA_SASL_* set: exactly the KAFKA_* settings. Catalog credentials configured (Port) without them: the catalog's
 * Kafka credentials (SASL_SSL, SCRAM-SHA-512, its brokers or else KAFKA_BROKERS). Otherwise, or when the catalog has
 * no such route (a Glint catalog): KAFKA_BROKERS in plaintext.
 */
export async function resolveKafkaConnection(config: Pick<GlintConfig, 'kafka' | 'catalog'>, catalog: Pick<CatalogClient, 'getKafkaCredentials'>): Promise<KafkaConfig> {
  const logger = new Logger('actions');
  if (config.kafka.sasl || config.catalog.credentials !== 'configured') return config.kafka;
  const credentials = await catalog.getKafkaCredentials();
  if (!credentials) {
    logger.log(`the catalog at ${config.catalog.url} has no Kafka credentials; using KAFKA_BROKERS (${config.kafka.brokers.join(',')}) in plaintext`);
    return config.kafka;
  }
  const brokers = credentials.brokers.length > 0 ? credentials.brokers : config.kafka.brokers;
  logger.log(`using the catalog's Kafka credentials (user ${credentials.username}, SASL_SSL) on ${brokers.join(',')}`);
  return { brokers, sasl: { username: credentials.username, password: new Secret(credentials.password) } };
}

/** How long the actions service waits between tries of the catalog's Kafka credentials: doubling up to the max. */
export interface KafkaCredentialsRetry {
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_KAFKA_CREDENTIALS_RETRY: KafkaCredentialsRetry = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * The Kafka connection, resolved in the background so that a catalog that is down at start (the credentials of
 * Port's managed Kafka come from it) holds up the actions service alone: it retries, logs each failure in one line,
 * and `/health` and `/health/ready` say it waits until the credentials come.
 */
export class KafkaConnectionSource implements OnApplicationShutdown {
  private readonly logger = new Logger('actions');
  private readonly stopping = new AbortController();
  private resolved?: KafkaConfig;
  private lastError?: string;
  /** Resolves with the connection, or never when the service stops first. */
  readonly ready: Promise<KafkaConfig>;

  constructor(
    private readonly config: Pick<GlintConfig, 'kafka' | 'catalog'>,
    catalog: Pick<CatalogClient, 'getKafkaCredentials'>,
    private readonly retry: KafkaCredentialsRetry = DEFAULT_KAFKA_CREDENTIALS_RETRY,
  ) {
    this.ready = this.resolve(catalog);
    // Never rejected: a stopping service leaves it pending; this keeps an unawaited one quiet.
    this.ready.catch(() => undefined);
  }

  /** The connection once resolved. */
  current(): KafkaConfig | undefined {
    return this.resolved;
  }

  /** Why there is no connection yet, while there is none. */
  waiting(): string | undefined {
    if (this.resolved) return undefined;
    return `waiting for the Kafka credentials from the catalog at ${this.config.catalog.url} (PORT_URL)${this.lastError ? `: ${this.lastError}` : ''}`;
  }

  /** The variable the brokers come from, for messages about an unreachable Kafka. */
  brokersVariable(): string {
    return this.resolved !== undefined && this.resolved !== this.config.kafka ? 'the Kafka credentials from PORT_URL' : 'KAFKA_BROKERS';
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async resolve(catalog: Pick<CatalogClient, 'getKafkaCredentials'>): Promise<KafkaConfig> {
    for (let delayMs = this.retry.initialDelayMs; ; delayMs = Math.min(delayMs * 2, this.retry.maxDelayMs)) {
      try {
        this.resolved = await resolveKafkaConnection(this.config, catalog);
        if (this.lastError) this.logger.log('got the Kafka credentials from the catalog; consuming action runs now');
        return this.resolved;
      } catch (error) {
        this.lastError = errorMessage(error);
        this.logger.error(`${this.waiting() ?? ''}; trying again in ${Math.round(delayMs / 1000)} s`);
      }
      await abortableSleep(delayMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return new Promise<KafkaConfig>(() => undefined);
    }
  }
}

@Module({})
export class KafkaConnectionModule {
  static register(config: GlintConfig, tuning: CatalogClientTuning = {}, retry?: KafkaCredentialsRetry): DynamicModule {
    return {
      module: KafkaConnectionModule,
      providers: [{ provide: KafkaConnectionSource, useFactory: () =>
            // Two tries per round: the rounds themselves retry, and each failed round is logged.
            new KafkaConnectionSource(config, createCatalogClient(config.catalog, { maxAttempts: 2, ...tuning }), retry), }],
      exports: [KafkaConnectionSource],
    };
  }
}
