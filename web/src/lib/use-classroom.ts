import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Choice, PollDto } from '../../../src/polls/polls.schemas.ts';
import type { ListedQuestion, Question } from '../../../src/qa/qa.schemas.ts';
import { api } from './api.ts';
import { applyEvent, type ClassEvent, type ClassState, emptyClass } from './class-state.ts';
import { type Classroom, type ConnectionStatus, openClassroom } from './classroom.ts';
import { keys } from './queries.ts';

export interface Mine {
  /** Questions the viewer has upvoted. */
  upvoted: Set<string>;
  /** The viewer's answer per poll. */
  choices: Record<string, Choice>;
  /** Closed quizzes the viewer answered, as last read: right or wrong, and the points. */
  verdicts: Record<string, { correct: boolean; points: number }>;
  /** Questions the viewer asked (anonymous ones too: only the asker is told). */
  asked: Set<string>;
  /** The viewer's own questions waiting for review: the room never hears them. */
  waiting: Record<string, Question>;
}

/**
 * The live classroom for one session: state rebuilt from the event log, the connection status (for the
 * reconnecting banner), the viewer's own upvotes and answers, and `room.request` for actions over the socket.
 */
export function useClassroom(sessionId: string) {
  const state = useRef<ClassState>(emptyClass);
  const [, rerender] = useState(0);
  const [status, setStatus] = useState<{ status: ConnectionStatus; reason?: string }>({ status: 'connecting' });
  /** Managers only: how many have answered each poll (poll:count notices; a count only grows). */
  const [counts, setCounts] = useState<Record<string, number>>({});
  /** What just happened to one of the viewer's questions (live events only, not a replay). */
  // With an id: the same news twice (two of my questions answered) is two notices, not one state that did not change.
  const [qaNotice, setQaNotice] = useState<{ id: number; text: string } | null>(null);
  const queryClient = useQueryClient();
  // Read once the class is joined, and again at every rejoin (below).
  const mineRead = useQuery({
    queryKey: keys.mine(sessionId),
    queryFn: () => loadMine(sessionId),
    enabled: state.current.session !== null,
  });
  const mine = mineRead.data ?? noneYet;
  /** An action of the viewer's own (upvote, vote) shows at once, before any reread. */
  const setMine = useCallback(
    (change: (mine: Mine) => Mine) => queryClient.setQueryData<Mine>(keys.mine(sessionId), (m) => change(m ?? noneYet)),
    [queryClient, sessionId],
  );
  const room = useRef<Classroom | null>(null);
  const update = useCallback((next: ClassState) => {
    if (next === state.current) return;
    state.current = next;
    rerender((n) => n + 1);
  }, []);

  useEffect(() => {
    state.current = emptyClass;
    const r = openClassroom(sessionId, {
      lastSeq: () => state.current.lastSeq,
      onJoined(result, missed, snapshot) {
        // A class read over REST (its log expired) starts from what was read, not from what this page held.
        let next = snapshot ? { ...emptyClass, ...snapshot } : state.current;
        for (const e of missed) next = applyEvent(next, e);
        // The ack's session and presence are current as of the join, newer than any replayed event about them.
        update({ ...next, session: result.session, presence: { count: result.presence.count, users: result.presence.users ?? null } });
        // Reread at every rejoin: an action whose ack was lost in a drop may still have been applied. (The first
        // join only marks it stale: the query starts once the session is shown. Invalidation never rejects.)
        void queryClient.invalidateQueries({ queryKey: keys.mine(sessionId) });
        void queryClient.invalidateQueries({ queryKey: keys.qaReview(sessionId) });
      },
      onEvent: (e) => {
        update(applyEvent(state.current, e));
        // The review queue is read over REST: the room hears only its length.
        if (e.event === 'qa:queue') void queryClient.invalidateQueries({ queryKey: keys.qaReview(sessionId) });
        const notice = qaNoticeFor(e, queryClient.getQueryData<Mine>(keys.mine(sessionId)));
        if (notice) setQaNotice((last) => ({ id: (last?.id ?? 0) + 1, text: notice }));
      },
      onStatus: (s, reason) => setStatus({ status: s, reason }),
    });
    r.socket.on('poll:count', ({ pollId, total }) => setCounts((c) => ((c[pollId] ?? 0) >= total ? c : { ...c, [pollId]: total })));
    room.current = r;
    return () => r.close();
  }, [sessionId, update, queryClient]);

  return { ...state.current, status, mine, setMine, counts, room: room.current, qaNotice };
}

const noneYet: Mine = { upvoted: new Set(), choices: {}, verdicts: {}, asked: new Set(), waiting: {} };

/** A notice for the viewer when a live event concerns one of their own questions. */
function qaNoticeFor(e: ClassEvent, mine: Mine | undefined): string | null {
  if (!mine) return null;
  if (e.event === 'qa:removed' && mine.asked.has(e.payload.qaId)) {
    return e.payload.reason === 'rejected' ? 'A mentor did not approve your question.' : 'A mentor dismissed your question.';
  }
  if (e.event === 'qa:question' && mine.waiting[e.payload.question.id]) return 'Your question was approved and is now shown to everyone.';
  if (e.event === 'qa:updated' && e.payload.question.status === 'answered' && mine.asked.has(e.payload.question.id)) {
    return 'Your question was answered.';
  }
  return null;
}

/** The viewer's own upvotes, questions and poll answers, which the event log does not carry. */
async function loadMine(sessionId: string): Promise<Mine> {
  const upvoted = new Set<string>();
  const asked = new Set<string>();
  const waiting: Record<string, Question> = {};
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { items: ListedQuestion[]; nextCursor: string | null } = await api(
      'GET',
      `/api/live-sessions/${sessionId}/qa?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const q of page.items) {
      if (q.upvotedByMe) upvoted.add(q.id);
      if (q.askedByMe) asked.add(q.id);
      if (q.askedByMe && q.status === 'pending') waiting[q.id] = q;
    }
    cursor = page.nextCursor;
  }
  const polls = await api<{ items: PollDto[] }>('GET', `/api/live-sessions/${sessionId}/polls`);
  const choices: Record<string, Choice> = {};
  const verdicts: Mine['verdicts'] = {};
  for (const p of polls.items) {
    if (p.myChoice !== undefined && p.myChoice !== null) choices[p.id] = p.myChoice as Choice;
    if (p.myResult) verdicts[p.id] = p.myResult;
  }
  return { upvoted, choices, verdicts, asked, waiting };
}
