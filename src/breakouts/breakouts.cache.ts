import { cachesPerDatabase } from '../classroom/access-cache.ts';
import { invalidateRoomSeats } from '../classroom/session-access.ts';
import type { Db } from '../db/kysely.ts';
import { findActiveRound, type RoundRow } from './breakouts.repo.ts';

// Each class's round that is not closed, or none: every student's join asks (is there a round to place them in?),
// and a join storm must not cost a query per student. Forgotten on every breakout event, here and on other nodes.
const activeRounds = cachesPerDatabase<RoundRow | null>();

/** The class's open (or closing) round, or null; briefly cached (see access-cache.ts). */
export async function findActiveRoundCached(db: Db, classId: string): Promise<RoundRow | null> {
  return activeRounds.of(db).get(classId, async () => (await findActiveRound(db, classId)) ?? null);
}

/**
 * A breakout event was committed (here, or on another node): who sits in which room, and which classes have a round,
 * are read again.
 */
export function invalidateBreakoutCaches(): void {
  invalidateRoomSeats();
  activeRounds.forEach((cache) => {
    cache.clear();
  });
}
