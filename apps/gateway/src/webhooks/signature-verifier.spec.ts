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

  it('gives the same answer when the body is fed in pieces as it arrives, split anywhere, also inside a character', async () => {
    const signature = await new Webhooks({ secret: 'previous' }).sign(body.toString('utf8'));
    const sut = createSignatureVerifier('current', 'previous');

    const splits = Array.from({ length: body.length + 1 }, (_, at) => {
      const check = sut.start(signature);
      check?.update(body.subarray(0, at));
      check?.update(body.subarray(at));
      return check?.matches();
    });

    expect(splits.every((matched) => matched === true)).toBe(true);
    const tampered = sut.start(signature);
    tampered?.update(body.subarray(0, 10));
    expect(tampered?.matches()).toBe(false);
  });

  it.each(['', 'sha256=', 'sha1=0123456789abcdef0123456789abcdef01234567', `sha256=${'z'.repeat(64)}`])(
    'starts no check for the header %j, which is not a sha256 signature',
    (signature) => {
      expect(createSignatureVerifier('current').start(signature)).toBeUndefined();
    },
  );
});
