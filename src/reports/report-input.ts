import type { PollResults } from '../polls/polls.schemas.ts';
import type { SessionStatus } from '../db/tables.ts';
import type { AttendanceRules } from './reports.schemas.ts';

/**
 * What a session report is computed from: rows read from the durable tables (never the event log), already
 * narrowed to one session. The loader (reports.repo.ts) builds it; the pure functions in compute/ turn it into the
 * SessionReport, so every rule is tested on hand-made fixtures without a database.
 */
export interface Span {
  joinedAt: Date;
  /** Null while still open (counts up to `now`, clipped to the class). */
  leftAt: Date | null;
  /** Set on a stay in one of the class's breakout rooms (its name): that time counts as time in the class. */
  breakoutRoom?: string;
}

export interface RosterStudent {
  userId: string;
  name: string;
  email: string | null;
}

export interface ReportPollInput {
  pollId: string;
  question: string;
  type: 'single' | 'multiple' | 'rating' | 'text' | 'wordcloud';
  options: string[];
  anonymous: boolean;
  correctOption: number | null;
  status: 'open' | 'closed';
  createdAt: Date;
  closedAt: Date | null;
  results: PollResults;
  /** The poll's timer in seconds (null: none) and when it opened: a quiz answer's points depend on them. */
  durationSeconds: number | null;
  openedAt: Date | null;
  /**
   * Every answer (also for anonymous polls: the report counts them but never names who gave them), with when it was
   * last given in epoch milliseconds (a number: a class has tens of thousands).
   */
  responses: { userId: string; choice: unknown; atMs: number }[];
}

/** One stay of a meeting participant the sync matched to nobody (meeting_participant_segments without a user). */
export interface MeetingGuestStay extends Span {
  /** The provider's participant id: one guest however many times they joined. */
  participant: string;
  displayName: string | null;
  email: string | null;
}

/** Where a meeting-attendance sync stands. */
export interface MeetingSyncInput {
  status: 'none' | 'pending' | 'done' | 'failed';
  syncedAt: Date | null;
  error: string | null;
}

export interface SessionReportInput {
  session: {
    id: string;
    courseId: string;
    title: string;
    status: SessionStatus;
    scheduledStart: Date;
    durationMinutes: number;
    actualStart: Date | null;
    actualEnd: Date | null;
  };
  rules: AttendanceRules;
  roster: RosterStudent[];
  /** Class-room segments of roster students (others are not read), with their stays in the class's breakout rooms. */
  roomSegments: Map<string, Span[]>;
  /**
   * Video-meeting segments matched to roster students: the class's meeting, and each breakout room's whose meeting has
   * data (report-breakouts.ts); counted only when `hasMeetingData`.
   */
  meetingSegments: Map<string, Span[]>;
  /**
   * Stays in the pages of breakout rooms whose own meeting has no data (its sync not done, failed, or matched nobody
   * on the roster): counted as meeting time so a student moved to such a room loses none of it, never listed as
   * meeting segments (they are in `roomSegments`). Absent: none.
   */
  meetingFallback?: Map<string, Span[]>;
  /** Each student's breakout room per round, in round order (report-breakouts.ts); no entry: never in one. */
  breakoutRooms: Map<string, string[]>;
  /**
   * Whether the class's own meeting attendance matched anyone on the roster (its rooms' meetings do not decide it);
   * without it, meeting time falls back to room time.
   */
  hasMeetingData: boolean;
  /** First time each student opened the meeting link. */
  meetingOpens: Map<string, Date>;
  /** Per-student counts. */
  messagesBy: Map<string, number>;
  questionsBy: Map<string, number>;
  upvotesBy: Map<string, number>;
  /** Class-wide counts. */
  messages: number;
  questions: { total: number; answered: number; open: number; dismissed: number };
  /** Per-minute activity (key: the minute's start in ms since the epoch). */
  activity: { messages: Map<number, number>; questions: Map<number, number>; votes: Map<number, number> };
  polls: ReportPollInput[];
  /** Meeting participants matched to nobody; read only for the class report (absent: none). */
  meetingGuests?: MeetingGuestStay[];
  /** The class's meeting sync, or a breakout room's where that one stands worse (report-breakouts.ts worstMeetingSync). */
  meetingSync: MeetingSyncInput;
  now: Date;
}
