export { freePort, PrivateRedisServer } from './private-redis-server';
export { testServices } from './real-services';
export { createTemporaryDatabase } from './temporary-database';
export type { TemporaryDatabase } from './temporary-database';
export { waitFor } from './wait-for';
export { getJson, testConfig } from './test-config';
export type { HttpAnswer } from './test-config';
export { sendWebhook, signWebhook } from './webhook-sender';
export type { SentWebhook } from './webhook-sender';
