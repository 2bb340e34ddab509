import type { Server } from 'socket.io';
import type { Actor } from '../auth/actor.ts';
import { findMemberships } from '../classroom/access.repo.ts';
import { inBatches } from '../db/batches.ts';
import type { Db } from '../db/kysely.ts';
import { getOrCreate } from '../maps.ts';

/**
 * A roster removal made on another node while Redis was away never reached this node: its sockets would go on
 * hearing the class. After an outage, every local member of a session room is checked against the roster once, and
 * those no longer on it are removed as if the message had arrived. Admins need no roster entry.
 */
export async function dropRemovedMembers(io: Server, db: Db, remove: (courseId: string, userId: string) => Promise<void>): Promise<number> {
  const byCourse = new Map<string, Set<string>>();
  for (const socket of io.sockets.sockets.values()) {
    const actor = socket.data.actor as Actor | undefined;
    const joined = socket.data.sessions as Map<string, string> | undefined;
    if (!actor || actor.role === 'admin' || !joined) continue;
    for (const courseId of joined.values()) {
      getOrCreate(byCourse, courseId, () => new Set<string>()).add(actor.id);
    }
  }
  let dropped = 0;
  for (const [courseId, users] of byCourse) {
    for (const batch of inBatches([...users])) {
      const roles = await findMemberships(db, courseId, batch);
      for (const userId of batch) {
        if (roles.has(userId)) continue;
        dropped += 1;
        await remove(courseId, userId);
      }
    }
  }
  return dropped;
}
