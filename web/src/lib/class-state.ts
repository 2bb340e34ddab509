import type { BreakoutRound } from '../../../src/breakouts/breakouts.schemas.ts';
import type { ChatMessage } from '../../../src/chat/chat.schemas.ts';
import type { RaisedHand } from '../../../src/hands/hands.schemas.ts';
import type { Leaderboard } from '../../../src/polls/leaderboard.schemas.ts';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { Question, RemovedReason } from '../../../src/qa/qa.schemas.ts';
import type { Person, RoomEvent } from '../../../src/realtime/protocol.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';

/** Everything a classroom screen shows, rebuilt from the session's event log (replayed, then live). */
export interface ClassState {
  session: SessionDto | null;
  presence: { count: number; users: Person[] | null };
  messages: ChatMessage[];
  questions: Record<string, Question>;
  polls: Record<string, PollDto>;
  /** Raised hands, first raised first (the first 100 of `total`; see hand:queue). */
  hands: { queue: RaisedHand[]; total: number };
  /** The quiz leaderboard while the mentor shows it to the class; null when hidden. */
  leaderboard: Leaderboard | null;
  /** Q&A moderation as the room hears it: what is being answered, how many wait for review, what was removed. */
  qaLive: QaLive;
  /**
   * The class's breakout round as its last breakout event left it: open, closing, or the last closed one (null before
   * any). Each event carries the whole round, so the newest one is the truth.
   */
  breakout: BreakoutRound | null;
  /** The seq of the event that said `breakout` (0 before any): a newer ack's round wins until an event passes it. */
  breakoutSeq: number;
  /** The last seq applied: rejoining with it replays exactly what was missed. */
  lastSeq: number;
}

export interface QaLive {
  /** The question a mentor is answering now. */
  answering: string | null;
  /** Questions waiting for review (the room hears only the count). */
  pending: number;
  /** Questions dismissed or rejected: gone from the lists; kept so the viewer's own waiting one can be dropped too. */
  removed: Record<string, RemovedReason>;
}

export const emptyClass: ClassState = {
  session: null,
  presence: { count: 0, users: null },
  messages: [],
  questions: {},
  polls: {},
  hands: { queue: [], total: 0 },
  leaderboard: null,
  qaLive: { answering: null, pending: 0, removed: {} },
  breakout: null,
  breakoutSeq: 0,
  lastSeq: 0,
};

/** A room event as the reducer takes it: the protocol's own union, so a case the server cannot send fails the type check. */
export type ClassEvent = RoomEvent;

/** Applies one event; events at or below `lastSeq` are ignored, so a replay overlapping live events is harmless. */
export function applyEvent(state: ClassState, e: ClassEvent): ClassState {
  if (e.payload.seq <= state.lastSeq) return state;
  const next = { ...state, lastSeq: e.payload.seq };
  switch (e.event) {
    case 'chat:message':
      return { ...next, messages: [...state.messages, e.payload.message] };
    case 'chat:deleted':
      return { ...next, messages: state.messages.filter((m) => m.id !== e.payload.messageId) };
    case 'qa:question':
    case 'qa:updated':
      return { ...next, questions: { ...state.questions, [e.payload.question.id]: e.payload.question } };
    case 'qa:removed': {
      const { [e.payload.qaId]: _gone, ...questions } = state.questions;
      const qaLive = { ...state.qaLive, removed: { ...state.qaLive.removed, [e.payload.qaId]: e.payload.reason } };
      return { ...next, questions, qaLive };
    }
    case 'qa:queue':
      return { ...next, qaLive: { ...state.qaLive, pending: e.payload.pending } };
    case 'qa:answering':
      return { ...next, qaLive: { ...state.qaLive, answering: e.payload.qaId } };
    case 'poll:opened':
    case 'poll:closed':
      return { ...next, polls: { ...state.polls, [e.payload.poll.id]: { ...state.polls[e.payload.poll.id], ...e.payload.poll } } };
    case 'poll:results': {
      const poll = state.polls[e.payload.pollId];
      return poll ? { ...next, polls: { ...state.polls, [poll.id]: { ...poll, results: e.payload.results } } } : next;
    }
    case 'poll:leaderboard':
      return { ...next, leaderboard: e.payload.leaderboard };
    case 'presence:update': {
      const users = state.presence.users;
      if (!users) return { ...next, presence: { count: e.payload.count, users: null } };
      const left = new Set(e.payload.left.map((p) => p.id));
      const kept = users.filter((u) => !left.has(u.id));
      const known = new Set(kept.map((u) => u.id));
      return { ...next, presence: { count: e.payload.count, users: [...kept, ...e.payload.joined.filter((p) => !known.has(p.id))] } };
    }
    case 'hand:queue':
      return { ...next, hands: { queue: e.payload.queue, total: e.payload.total } };
    case 'breakout:opened':
    case 'breakout:updated':
    case 'breakout:closing':
    case 'breakout:closed':
      return { ...next, breakout: e.payload.round, breakoutSeq: e.payload.seq };
    case 'session:updated':
      return {
        ...next,
        session: { ...e.payload.session, meeting: { ...e.payload.session.meeting, url: state.session?.meeting.url ?? null } },
      };
  }
}
