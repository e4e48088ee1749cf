import { Webhooks } from '@octokit/webhooks';
import { createSignatureVerifier } from './signature-verifier';

describe('createSignatureVerifier', () => {
  const body = Buffer.from(JSON.stringify({ action: 'opened', title: 'Ünïcödé ✓' }));

  it('accepts what @octokit/webhooks signs with the current secret', async () => {
    const signature = await new Webhooks({ secret: 'current' }).sign(body.toString('utf8'));

    expect(createSignatureVerifier('current').verify(body, signature)).toBe(true);
  });

  it('accepts the previous secret during a rotation, and only when one is configured', async () => {
    const signature = await new Webhooks({ secret: 'previous' }).sign(body.toString('utf8'));

    expect(createSignatureVerifier('current', 'previous').verify(body, signature)).toBe(true);
    expect(createSignatureVerifier('current').verify(body, signature)).toBe(false);
  });

  it.each([
    ['another secret', async () => new Webhooks({ secret: 'other' }).sign(body.toString('utf8'))],
    ['a sha1 signature', async () => 'sha1=0123456789abcdef0123456789abcdef01234567'],
    ['a truncated signature', async () => (await new Webhooks({ secret: 'current' }).sign(body.toString('utf8'))).slice(0, 40)],
    ['garbage', async () => 'not a signature'],
  ])('refuses %s', async (_label, makeSignature) => {
    expect(createSignatureVerifier('current').verify(body, await makeSignature())).toBe(false);
  });

  it('verifies the exact bytes, also when they are not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const signature = `sha256=${createHmac('sha256', 'current').update(bytes).digest('hex')}`;

    expect(createSignatureVerifier('current').verify(bytes, signature)).toBe(true);
  });
});
