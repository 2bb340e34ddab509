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
