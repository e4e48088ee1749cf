import { fingerprintMatches, secretFingerprint } from './secret-fingerprint';

describe('webhook secret fingerprints', () => {
  it('match the secret they were made from and no other', async () => {
    const fingerprint = await secretFingerprint('s3cret');

    await expect(fingerprintMatches('s3cret', fingerprint)).resolves.toBe(true);
    await expect(fingerprintMatches('s3cret ', fingerprint)).resolves.toBe(false);
    await expect(fingerprintMatches('other', fingerprint)).resolves.toBe(false);
  });

  it('never contain the secret and differ each time, being salted', async () => {
    const first = await secretFingerprint('a-long-webhook-secret');
    const second = await secretFingerprint('a-long-webhook-secret');

    expect(first).not.toContain('a-long-webhook-secret');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$[\w-]+\$[\w-]+$/);
  });

  it.each(['', 'sha256$abc', 'scrypt$c2FsdA$c2hvcnQ', 'scrypt$a$b$c'])('treats %j as no match', async (fingerprint) => {
    await expect(fingerprintMatches('s3cret', fingerprint)).resolves.toBe(false);
  });
});
