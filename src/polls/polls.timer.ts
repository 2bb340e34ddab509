import type { Log } from '../background.ts';
import { createDueTimer } from '../classroom/due-timer.ts';
import type { Db } from '../db/kysely.ts';
import { listTimedPolls, type PollRow } from './polls.repo.ts';

type TimedPoll = Pick<PollRow, 'id' | 'session_id' | 'closes_at'>;

/**
 * Closes timed polls on time, server-side (restart-safe: see due-timer.ts). `closeDue` is conditional in SQL (open
 * and due), so several nodes, or a timer and a sweep, firing for one poll close it once.
 */
export function createPollTimer(db: Db, log: Log, closeDue: (sessionId: string, pollId: string) => Promise<void>) {
  return createDueTimer<TimedPoll>(db, log, {
    what: 'closing a timed poll',
    listAll: (d) => listTimedPolls(d),
    listDue: (d, now) => listTimedPolls(d, now),
    dueAt: (poll) => poll.closes_at,
    fire: closeDue,
  });
}

export type PollTimer = ReturnType<typeof createPollTimer>;
