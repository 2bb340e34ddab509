import type { Claims } from '../auth/actor.ts';
import { type BatchObserver, createBatcher } from '../db/batcher.ts';
import type { Db } from '../db/kysely.ts';
import { upsertUsersFromClaims } from './users.repo.ts';

const KNOWN_USERS_CAP = 50_000;

/**
 * Records users from their verified claims (REST and Socket.IO alike). The row is written only when the claims
 * differ from what this process last wrote, so steady traffic does not write on every request; users signing in
 * together (a join storm) are written together, in one statement per batch, and each caller goes on after the commit
 * that holds its row.
 */
export function createUserRecorder(db: Db, observer?: BatchObserver) {
  const known = new Map<string, string>();
  const writes = createBatcher<Claims, void>(
    db,
    async (trx, claims) => {
      await upsertUsersFromClaims(trx, claims);
      return claims.map(() => undefined);
    },
    { observer },
  );
  return async function recordUser(claims: Claims): Promise<void> {
    const fingerprint = `${claims.name}\u0000${claims.email ?? ''}\u0000${claims.role}`;
    if (known.get(claims.sub) === fingerprint) return;
    await writes.submit(claims);
    if (known.size >= KNOWN_USERS_CAP) known.clear();
    known.set(claims.sub, fingerprint);
  };
}

export type RecordUser = ReturnType<typeof createUserRecorder>;
