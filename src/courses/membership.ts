import type { Actor } from '../auth/actor.ts';
import { isAdmin, type Membership } from '../auth/policies.ts';
import type { Db } from '../db/kysely.ts';
import { findMembership } from './courses.repo.ts';

/** The actor's roster role in a course. Admins act without one, so no query is made for them. */
export async function membershipOf(db: Db, actor: Actor, courseId: string): Promise<Membership> {
  return isAdmin(actor) ? null : findMembership(db, courseId, actor.id);
}
