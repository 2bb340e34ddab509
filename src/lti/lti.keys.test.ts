import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import type { Db } from '../db/kysely.ts';
import { dbTargets, freshDatabase } from '../test/harness.ts';
import { activeSigningKey, publishedJwks, publishedVerificationKey, retireKey, rotateSigningKey } from './lti.keys.ts';

for (const target of await dbTargets('LTI signing keys')) {
  describe(`LTI signing keys on ${target}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => ({ db, drop } = await freshDatabase(target)));
    after(() => drop());

    test('the first use creates one key; concurrent first uses agree on it, and it verifies what it signs', async () => {
      const [a, b] = await Promise.all([activeSigningKey(db), activeSigningKey(db)]);
      assert.equal(a.kid, b.kid);
      const jwks = await publishedJwks(db);
      assert.deepEqual(
        jwks.keys.map((k) => k.kid),
        [a.kid],
      );
      assert.equal(
        jwks.keys.some((k) => 'd' in k),
        false,
        'the private half is never published',
      );
      const jwt = await new SignJWT({ x: 1 }).setProtectedHeader({ alg: 'RS256', kid: a.kid }).sign(a.privateKey);
      const { payload } = await jwtVerify(jwt, await importJWK(jwks.keys[0] ?? {}, 'RS256'));
      assert.equal(payload.x, 1);
    });

    test('a rotation signs with a new key and keeps the old one published until it is retired', async () => {
      const before = await activeSigningKey(db);
      const rotated = await rotateSigningKey(db);
      assert.equal(rotated.previous?.kid, before.kid);
      const now = await activeSigningKey(db);
      assert.equal(now.kid, rotated.kid);
      assert.notEqual(now.kid, before.kid);
      assert.deepEqual(
        (await publishedJwks(db)).keys.map((k) => k.kid),
        [now.kid, before.kid],
      );
      assert.ok(await publishedVerificationKey(db, before.kid));

      assert.equal(await retireKey(db, now.kid), false, 'the signing key cannot be retired');
      assert.equal(await retireKey(db, before.kid), true);
      assert.deepEqual(
        (await publishedJwks(db)).keys.map((k) => k.kid),
        [now.kid],
      );
      assert.equal(await publishedVerificationKey(db, before.kid), undefined);
    });

    test('two rotations at once both happen, one after the other, leaving one signing key', async () => {
      const [r1, r2] = await Promise.all([rotateSigningKey(db), rotateSigningKey(db)]);
      const signing = await db.selectFrom('lti_keys').select('kid').where('superseded_at', 'is', null).execute();
      assert.equal(signing.length, 1);
      const last = signing[0]?.kid ?? '';
      const first = last === r1.kid ? r2.kid : r1.kid;
      assert.ok([r1.kid, r2.kid].includes(last));
      assert.ok([r1.previous?.kid, r2.previous?.kid].includes(first), 'the second rotation superseded the first one');
    });

    test('a rotation with no grace retires the previous key at once', async () => {
      const before = await activeSigningKey(db);
      await rotateSigningKey(db, 0);
      assert.equal(await publishedVerificationKey(db, before.kid), undefined);
    });
  });
}
