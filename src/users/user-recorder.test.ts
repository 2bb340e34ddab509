import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Claims } from '../auth/actor.ts';
import type { Db } from '../db/kysely.ts';
import { dbTargets, freshDatabase } from '../test/harness.ts';
import { createUserRecorder } from './user-recorder.ts';

for (const target of await dbTargets('recording users')) {
  describe(`recording users from their tokens on ${target}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => ({ db, drop } = await freshDatabase(target)));
    after(() => drop());

    const user = (id: string) => db.selectFrom('users').select(['name', 'email', 'role']).where('id', '=', id).executeTakeFirst();

    test('users signing in together are all recorded, each caller going on after the commit that holds its row', async () => {
      const recordUser = createUserRecorder(db);
      const claims: Claims[] = Array.from({ length: 300 }, (_, i) => ({ sub: `storm-${i}`, name: `Storm ${i}`, role: 'student' }));
      await Promise.all(claims.map((c) => recordUser(c)));
      const rows = await db.selectFrom('users').select('id').where('id', 'like', 'storm-%').execute();
      assert.equal(rows.length, 300);
    });

    test('two tokens of one user in the same batch: the later claims win, and neither sign-in fails', async () => {
      const recordUser = createUserRecorder(db);
      await Promise.all([
        recordUser({ sub: 'twice', name: 'Old Name', role: 'student', email: 'old@example.org' }),
        recordUser({ sub: 'twice', name: 'New Name', role: 'mentor' }),
      ]);
      // The later token had no email: the one already known is kept.
      assert.deepEqual(await user('twice'), { name: 'New Name', email: 'old@example.org', role: 'mentor' });
    });

    test('changed claims are written again; unchanged ones are not', async () => {
      const recordUser = createUserRecorder(db);
      await recordUser({ sub: 'renamed', name: 'Before', role: 'student' });
      await recordUser({ sub: 'renamed', name: 'After', role: 'student' });
      assert.equal((await user('renamed'))?.name, 'After');
      // Written behind the recorder's back: the same claims again must not overwrite it (no write when unchanged).
      await db.updateTable('users').set({ name: 'Edited' }).where('id', '=', 'renamed').execute();
      await recordUser({ sub: 'renamed', name: 'After', role: 'student' });
      assert.equal((await user('renamed'))?.name, 'Edited');
    });
  });
}
