import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '@glint/config';
import { secretValuesOf } from './secret-values';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('secretValuesOf', () => {
  it('lists every configured secret, the private key in each form it could be printed, and URL passwords', () => {
    const config = loadConfig({
      WEBHOOK_SECRET: 'webhook-secret-value',
      APP_ID: '1',
      PRIVATE_KEY: Buffer.from(pem).toString('base64'),
      PORT_CLIENT_ID: 'id',
      PORT_CLIENT_SECRET: 'client-secret-value',
      KAFKA_SASL_USERNAME: 'user',
      KAFKA_SASL_PASSWORD: 'kafka-password-value',
      ADMIN_USERNAME: 'ops',
      ADMIN_PASSWORD: 'admin-password-value',
      REDIS_URL: 'redis://default:redis%40password@127.0.0.1:6379',
    });

    const values = secretValuesOf(config);

    for (const expected of ['webhook-secret-value', 'client-secret-value', 'kafka-password-value', 'admin-password-value', 'redis@password', pem.trim(), Buffer.from(pem.trim()).toString('base64'), pem.split('\n')[1]]) {
      expect(values).toContain(expected);
    }
    expect(values).not.toContain('');
    expect(values.some((value) => value.startsWith('-----BEGIN') && !value.includes('\n'))).toBe(false);
  });
});
