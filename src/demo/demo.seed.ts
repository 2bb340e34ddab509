import type { Db } from '../db/kysely.ts';
import { upsertMembers } from '../courses/courses.repo.ts';
import { ensureRosterUsers } from '../users/users.repo.ts';

export const DEMO_COURSE_ID = 'demo-course';

/** The demo course's people; demo sign-in mints tokens for exactly these. */
export const DEMO_USERS = [
  { id: 'demo-admin', name: 'Grace Hopper', role: 'admin' },
  { id: 'demo-mentor', name: 'Ada Lovelace', role: 'mentor' },
  { id: 'demo-student-1', name: 'Alan Turing', role: 'student' },
  { id: 'demo-student-2', name: 'Katherine Johnson', role: 'student' },
  { id: 'demo-student-3', name: 'Edsger Dijkstra', role: 'student' },
] as const;

/** Seeds the demo course roster. Idempotent: restarts keep whatever the demo users did. */
export async function seedDemo(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await ensureRosterUsers(
      trx,
      DEMO_USERS.map((u) => ({ id: u.id, name: u.name })),
    );
    const members = DEMO_USERS.filter((u) => u.role !== 'admin').map((u) => ({
      userId: u.id,
      role: u.role as 'mentor' | 'student',
    }));
    await upsertMembers(trx, DEMO_COURSE_ID, members);
  });
}
