import type { Actor } from '../auth/actor.ts';
import { isAdmin, type Membership } from '../auth/policies.ts';
import type { Db } from '../db/kysely.ts';
import { cachesPerDatabase } from './access-cache.ts';
import { findMembership, findMemberships } from './access.repo.ts';
import { getOrCreate } from '../maps.ts';

// Roster roles, by course and user: every vote, message and join asks, and rosters change rarely.
const memberships = cachesPerDatabase<Membership>();
const key = (courseId: string, userId: string) => `${courseId}\u0000${userId}`;
const readers = new WeakMap<Db, RosterReader>();

/**
 * The actor's roster role in a course. Admins act without one, so no query is made for them. Answers are cached
 * briefly (see access-cache.ts), and misses are read in groups (below): a vote burst after the cache expired costs a
 * few queries, not one per student. Inside a transaction the roster is always read directly, since the caller wants
 * what its transaction sees.
 */
export async function membershipOf(db: Db, actor: Actor, courseId: string): Promise<Membership> {
  if (isAdmin(actor)) return null;
  if (db.isTransaction) return findMembership(db, courseId, actor.id);
  const read = getOrCreate(readers, db, () => createRosterReader(db));
  return memberships.of(db).get(key(courseId, actor.id), () => read(courseId, actor.id));
}

/**
 * A user's place on a course roster changed (added, removed, role changed): their next action reads the roster again.
 * Called by the courses service after each roster commit, and by whatever relays roster changes from other nodes.
 */
export function invalidateMembership(courseId: string, userId: string): void {
  const k = key(courseId, userId);
  memberships.forEach((cache) => {
    cache.invalidate(k);
  });
}

type RosterReader = (courseId: string, userId: string) => Promise<Membership>;
type Waiter = { resolve: (m: Membership) => void; reject: (e: unknown) => void };

/**
 * Group reads: the first miss is read at once; misses that arrive while a read is in flight are read together when
 * it returns, one query per course. A vote burst on a cold cache thus costs a few queries that overlap with
 * receiving the burst, rather than everyone waiting for the end of the burst to be read in one go.
 */
function createRosterReader(db: Db): RosterReader {
  let waiting = new Map<string, Map<string, Waiter[]>>();
  let reading = false;

  async function readCourse(courseId: string, byUser: Map<string, Waiter[]>) {
    const userIds = [...byUser.keys()];
    try {
      const roles = await findMemberships(db, courseId, userIds);
      for (const userId of userIds) for (const w of byUser.get(userId) ?? []) w.resolve(roles.get(userId) ?? null);
    } catch (err) {
      for (const userId of userIds) for (const w of byUser.get(userId) ?? []) w.reject(err);
    }
  }

  async function readAll() {
    reading = true;
    try {
      while (waiting.size > 0) {
        const batch = waiting;
        waiting = new Map();
        await Promise.all([...batch].map(([course, byUser]) => readCourse(course, byUser)));
      }
    } finally {
      reading = false;
    }
  }

  /** readCourse() settles its waiters itself; a failure past it would be a bug, and must not leave anyone waiting. */
  function failWaiting(err: unknown) {
    for (const byUser of waiting.values()) for (const list of byUser.values()) for (const w of list) w.reject(err);
    waiting = new Map();
  }

  return (courseId, userId) =>
    new Promise<Membership>((resolve, reject) => {
      const byUser = getOrCreate(waiting, courseId, () => new Map());
      getOrCreate(byUser, userId, () => []).push({ resolve, reject });
      if (!reading) readAll().catch(failWaiting);
    });
}
