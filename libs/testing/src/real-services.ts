/** Where integration tests find the machine's real services (`npm run infra:up` starts them). */
export const testServices = {
  redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  postgresAdminUrl: process.env['TEST_POSTGRES_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: (process.env['TEST_KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
};
