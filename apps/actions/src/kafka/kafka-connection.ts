import { DynamicModule, Logger, Module } from '@nestjs/common';
import { CatalogClient, CatalogClientTuning, createCatalogClient } from '@glint/catalog-client';
import { GlintConfig, KafkaConfig, Secret } from '@glint/config';

/** The Kafka connection the actions service uses: KAFKA_* settings, or Port's managed Kafka from the catalog. */
export const KAFKA_CONNECTION = Symbol('KAFKA_CONNECTION');

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

@Module({})
export class KafkaConnectionModule {
  static register(config: GlintConfig, tuning: CatalogClientTuning = {}): DynamicModule {
    return {
      module: KafkaConnectionModule,
      providers: [{ provide: KAFKA_CONNECTION, useFactory: () => resolveKafkaConnection(config, createCatalogClient(config.catalog, tuning)) }],
      exports: [KAFKA_CONNECTION],
    };
  }
}
