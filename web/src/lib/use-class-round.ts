import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, api } from './api.ts';
import type { BreakoutRound } from './breakouts.ts';
import type { ClassEvent } from './class-state.ts';
import { openClassroom } from './classroom.ts';
import { breakoutsQuery } from './queries.ts';

export interface ClassRound {
  /** The class's round as last heard: running, or the last closed one (null: the class has had none). */
  round: BreakoutRound | null;
  /** Read at least once: before that, `round` says nothing. */
  known: boolean;
  /** The class's seq the round is current at. */
  seq: number;
}

const unknown: ClassRound = { round: null, known: false, seq: 0 };
const RETRY_MS = 2000;

/**
 * A breakout room page follows its class's round (the timer, the closing warning, moves, the close), which only the
 * class's log carries. It reads the log's newest seq, then the round over REST (current as of that seq or later), and
 * joins the class's session from that seq: the join replays whatever happened since, and every reconnect replays what
 * was missed, as for any class page, without downloading the class's whole history first. Only breakout events change
 * the round; the rest only move the seq along. `classId` null (a page that is not a room) does nothing.
 */
export function useClassRound(classId: string | null): ClassRound {
  const [state, setState] = useState<ClassRound>(unknown);
  const queryClient = useQueryClient();

  useEffect(() => {
    setState(unknown);
    if (!classId) return;
    let current = unknown;
    let stopped = false;
    let close = () => {};
    const publish = (next: ClassRound) => {
      current = next;
      if (!stopped) setState(next);
    };
    const apply = (e: ClassEvent, into: ClassRound): ClassRound => {
      if (e.payload.seq <= into.seq) return into;
      return e.event.startsWith('breakout:') && 'round' in e.payload
        ? { ...into, round: e.payload.round, seq: e.payload.seq }
        : { ...into, seq: e.payload.seq };
    };

    const start = async () => {
      const path = `/api/live-sessions/${encodeURIComponent(classId)}`;
      // A `since` past any seq returns no events, only the newest seq (class-snapshot.ts does the same).
      const { lastSeq } = await api<{ lastSeq: number }>('GET', `${path}/events?since=${Number.MAX_SAFE_INTEGER}&limit=1`);
      const list = await queryClient.fetchQuery({ ...breakoutsQuery(classId), staleTime: 0 });
      if (stopped) return;
      publish({ round: list.current ?? list.past.at(-1) ?? null, known: true, seq: lastSeq });
      const room = openClassroom(classId, {
        lastSeq: () => current.seq,
        onJoined(_result, missed) {
          let next = current;
          for (const e of missed) next = apply(e, next);
          publish(next);
        },
        onEvent: (e) => publish(apply(e, current)),
        // The room page shows its own connection; this one is behind it and rejoins by itself.
        onStatus: () => {},
      });
      close = () => room.close();
    };
    const attempt = () =>
      start().catch((err: unknown) => {
        // Refused (no access to the class: the room page is refused too, and says so): nothing to follow.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) return;
        // The network, or the service busy: the room itself still works meanwhile; try again shortly.
        if (!stopped) setTimeout(attempt, RETRY_MS);
      });
    attempt();
    return () => {
      stopped = true;
      close();
    };
  }, [classId, queryClient]);

  return state;
}
