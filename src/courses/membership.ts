import type { Actor } from '../auth/actor.ts';
import { isAdmin, type Membership } from '../auth/policies.ts';
import type { Db } from '../db/kysely.ts';
import { cachesPerDatabase } from '../sessions/access-cache.ts';
import { findMembership } from './courses.repo.ts';

// Roster roles, by course and user: every vote, message and join asks, and rosters change rarely.
const memberships = cachesPerDatabase<Membership>();
const key = (courseId: string, userId: string) => `${courseId}\u0000${userId}`;

/**
 * The actor's roster role in a course. Admins act without one, so no query is made for them. Answers are cached
 * briefly (see access-cache.ts); inside a transaction the roster is always read, since the caller wants what it sees.
 */
export async function membershipOf(db: Db, actor: Actor, courseId: string): Promise<Membership> {
  if (isAdmin(actor)) return null;
  if (db.isTransaction) return findMembership(db, courseId, actor.id);
  return memberships.of(db).get(key(courseId, actor.id), () => findMembership(db, courseId, actor.id));
}

/**
 * A user's place on a course roster changed (added, removed, role changed): their next action reads the roster again.
 * Called by the courses service after each roster commit, and by whatever relays roster changes from other nodes.
 */
export function invalidateMembership(courseId: string, userId: string): void {
  const k = key(courseId, userId);
  memberships.forEach((cache) => cache.invalidate(k));
}
