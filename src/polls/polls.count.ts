import type { ClassDeps } from '../classroom/class-deps.ts';
import { createCoalescer } from '../classroom/coalescer.ts';
import { countResponses } from './polls.repo.ts';

/** At most one poll:count per poll per second to a session's managers, however fast answers arrive. */
export const COUNT_INTERVAL_MS = 1000;

/** Sends a poll:count notice to the session's managers (their socket room, on every node). */
export type NotifyManagers = (sessionId: string, notice: { pollId: string; total: number }) => void;

/**
 * The response count mentors see live, results hidden or not. Coalesced per poll, read from the database after the
 * answers committed, so every node's notice is a true count (answers are never deleted: a count only grows, and a
 * client keeps the larger of two). Nothing is owed durably: a reload reads the count with the poll.
 */
export function createCountNotices(deps: Pick<ClassDeps, 'db' | 'log'>, notify: NotifyManagers) {
  const coalescer = createCoalescer(
    COUNT_INTERVAL_MS,
    async (key) => {
      const [sessionId = '', pollId = ''] = key.split(' ');
      notify(sessionId, { pollId, total: await countResponses(deps.db, pollId) });
    },
    deps.log,
    'poll:count notice',
  );
  return {
    /** An answer to this poll committed: a count follows within COUNT_INTERVAL_MS. */
    changed: (sessionId: string, pollId: string): void => coalescer.mark(`${sessionId} ${pollId}`),
    stop: (): Promise<void> => coalescer.stop(),
  };
}
