import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../errors.ts';
import { createTokenVerifier, signToken } from './tokens.ts';

describe('the token verifier', () => {
  test('a secret that cannot be made into a key is a server fault on each verification, not an invalid token', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // WebCrypto refuses a zero-length HMAC key (config refuses short secrets; this stands for any import failure).
      const verify = createTokenVerifier({ kind: 'secret', secret: new Uint8Array(0) });
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, [], 'the failed import is not an unhandled rejection');
      const token = await signToken(new TextEncoder().encode('x'.repeat(32)), { sub: 'u1', name: 'U', role: 'student' });
      const err = await verify(token).then(
        () => assert.fail('verified'),
        (e: unknown) => e as Error,
      );
      assert.ok(!(err instanceof AppError), `a 500, not ${(err as AppError).code}`);
      assert.match(err.message, /JWT_SECRET could not be imported/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('the token verifier with our own keys (LTI launches)', async () => {
  const { generateKeyPair } = await import('jose');
  const secret = new TextEncoder().encode('s'.repeat(32));
  const ours = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  let lookups = 0;
  const own = {
    key: async (kid: string) => {
      lookups += 1;
      return kid === 'ours' ? ours.publicKey : undefined;
    },
    acceptsIssuer: (iss: unknown) => iss === 'https://tool.test/lti',
  };
  const verify = createTokenVerifier({ kind: 'secret', secret }, own);
  const claims = { sub: 'u1', name: 'U', role: 'mentor' as const };
  const refusedWith = (token: string) =>
    verify(token).then(
      () => assert.fail('verified'),
      (e: unknown) => (e as AppError).code,
    );

  test('a token signed by our key, with our issuer, is accepted alongside secret tokens', async () => {
    const token = await signToken(ours.privateKey, claims, { alg: 'RS256', kid: 'ours', issuer: 'https://tool.test/lti' });
    assert.equal((await verify(token)).sub, 'u1');
    assert.equal((await verify(await signToken(secret, claims))).role, 'mentor');
  });

  test('our kid on a token another key signed, or with another issuer, is refused', async () => {
    assert.equal(
      await refusedWith(await signToken(stranger.privateKey, claims, { alg: 'RS256', kid: 'ours', issuer: 'https://tool.test/lti' })),
      'UNAUTHENTICATED',
    );
    assert.equal(
      await refusedWith(await signToken(ours.privateKey, claims, { alg: 'RS256', kid: 'ours', issuer: 'https://evil.test/lti' })),
      'UNAUTHENTICATED',
    );
  });

  test('an RS256 token with a kid we do not hold goes to the configured secret, which refuses it; HS256 never asks our keys', async () => {
    assert.equal(await refusedWith(await signToken(stranger.privateKey, claims, { alg: 'RS256', kid: 'theirs' })), 'UNAUTHENTICATED');
    const before = lookups;
    await verify(await signToken(secret, { ...claims, sub: 'u2' }, { kid: 'ours' }));
    assert.equal(lookups, before, 'an HS256 token is not looked up among our RS256 keys');
  });
});
