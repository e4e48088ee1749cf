import { generateKeyPairSync } from 'node:crypto';
import { Secret } from '@glint/config';
import { isSensitiveKey, REDACTED, Redactor } from './redactor';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('Redactor', () => {
  it.each(['privateKey', 'PRIVATE_KEY', 'token', 'accessToken', 'access_token', 'clientSecret', 'webhookSecret', 'WEBHOOK_SECRET', 'password', 'authorization', 'Authorization', 'x-api-key', 'cookie', 'set-cookie'])(
    'treats the key %s as a credential',
    (key) => {
      expect(isSensitiveKey(key)).toBe(true);
    },
  );

  it.each(['tokenType', 'deliveryId', 'installationId', 'keys', 'secretScanningAlert', 'message'])('leaves the key %s alone', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });

  it('blanks values under credential keys at any depth, and leaves the rest', () => {
    const sut = new Redactor();

    const redacted = sut.value({ deliveryId: 'd-1', auth: { headers: { authorization: 'token abc', accept: 'json' }, credentials: [{ clientSecret: 's' }] }, empty: { token: '' } });

    expect(redacted).toEqual({ deliveryId: 'd-1', auth: { headers: { authorization: REDACTED, accept: 'json' }, credentials: REDACTED }, empty: { token: '' } });
  });

  it('removes configured secret values from any string, and ignores secrets too short to search for', () => {
    const sut = new Redactor(['hook-secret-value', 'x']);

    expect(sut.text('signed with hook-secret-value, twice: hook-secret-value')).toBe(`signed with ${REDACTED}, twice: ${REDACTED}`);
    expect(sut.text('x marks the spot')).toBe('x marks the spot');
  });

  it('removes credentials recognisable by their shape', () => {
    const sut = new Redactor();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjEyMywiaWF0IjoxfQ.c2lnbmF0dXJlLXBhcnQ';

    const text = sut.text(
      `key ${pem} token ghs_16C7e42F292c6912E7710c838347Ae178B4a and ghp_abcdefghijklmnopqrstuvwxyz0123456789 jwt ${jwt} header Bearer abcdefghijklmnop.qrs url redis://default:hunter2hunter2@redis:6379/0`,
    );

    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toMatch(/gh[sp]_/);
    expect(text).not.toContain('eyJ');
    expect(text).toContain(`Bearer ${REDACTED}`);
    expect(text).toContain(`redis://default:${REDACTED}@redis:6379/0`);
  });

  it('redacts a PEM cut short, and each line of a configured multi-line secret', () => {
    const sut = new Redactor(pem.split('\n').slice(1, -2));

    expect(sut.text(pem.slice(0, 200))).toBe(REDACTED);
    expect(sut.text(`line: ${pem.split('\n')[3]}`)).toBe(`line: ${REDACTED}`);
  });

  it('prints Secret objects and errors safely, and survives cycles', () => {
    const sut = new Redactor(['super-secret-value']);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;

    const redacted = sut.value({ secret: new Secret('super-secret-value'), held: new Secret('other'), error: new Error('failed with super-secret-value'), cyclic }) as Record<string, unknown>;

    expect(redacted['held']).toBe(REDACTED);
    expect(redacted['error']).toMatchObject({ type: 'Error', message: `failed with ${REDACTED}` });
    expect(JSON.stringify(redacted)).not.toContain('super-secret-value');
    expect(redacted['cyclic']).toEqual({ name: 'loop', self: '[…]' });
  });
});
