import type { Kysely } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import {
  classHasRosterMeetingData,
  countMyActivity,
  countPollChoices,
  findMyMeetingOpen,
  listMyAnswers,
  listMyStays,
} from './my-report.repo.ts';
import { listClassBreakoutRooms } from './breakouts.repo.ts';
import { breakoutsByClass, withRoomSpans } from './report-breakouts.ts';
import type { RosterStudent, SessionReportInput, Span } from './report-input.ts';
import { type PollRow, pollInput } from './report-loader.ts';
import { listSessionPolls } from './reports.repo.ts';
import type { AttendanceRules } from './reports.schemas.ts';

/**
 * One student's report input (GET …/report/me): a SessionReportInput whose roster is that student alone, read from
 * their own rows only. Poll results are the class's tallies, counted in the database; each poll's `responses` holds
 * only the student's own answer, and class-wide counts and per-minute activity stay empty (the student's report
 * shows neither). computeSessionReport then gives the student the very row the class report gives them.
 */
export async function loadMyReportInput(
  db: Kysely<Database>,
  session: LiveSessionRow,
  rules: AttendanceRules,
  student: RosterStudent,
  now: Date,
): Promise<{ input: SessionReportInput; pollRows: PollRow[] }> {
  const { id: sessionId } = session;
  const userId = student.userId;
  const [{ room, meeting, hasMeetingData, rooms }, opened, activity, pollRows, answers, choices] = await Promise.all([
    loadMyStays(db, session, userId, now),
    findMyMeetingOpen(db, sessionId, userId),
    countMyActivity(db, sessionId, userId),
    listSessionPolls(db, [sessionId]),
    listMyAnswers(db, sessionId, userId),
    countPollChoices(db, sessionId),
  ]);
  const mine = new Map(answers.map((a) => [a.pollId, a]));
  const polls = pollRows.map((p) => {
    const answer = mine.get(p.id);
    return pollInput(p, choices.get(p.id) ?? [], answer ? [{ userId, choice: answer.choice, atMs: answer.at.getTime() }] : []);
  });
  const one = <T>(value: T | null) => (value === null ? new Map<string, T>() : new Map([[userId, value]]));
  const input: SessionReportInput = {
    session: {
      id: sessionId,
      courseId: session.course_id,
      title: session.title,
      status: session.status,
      scheduledStart: session.scheduled_start,
      durationMinutes: session.duration_minutes,
      actualStart: session.actual_start,
      actualEnd: session.actual_end,
    },
    rules,
    roster: [student],
    roomSegments: one(room.length > 0 ? room : null),
    meetingSegments: one(meeting.length > 0 ? meeting : null),
    breakoutRooms: one(rooms.length > 0 ? rooms : null),
    hasMeetingData,
    meetingOpens: one(opened),
    messagesBy: one(activity.messages),
    questionsBy: one(activity.questions),
    upvotesBy: one(activity.upvotes),
    messages: 0,
    questions: { total: 0, answered: 0, open: 0, dismissed: 0 },
    activity: { messages: new Map(), questions: new Map(), votes: new Map() },
    polls,
    meetingSync: { status: session.meeting_sync_status, syncedAt: session.meeting_synced_at, error: session.meeting_sync_error },
    now,
  };
  return { input, pollRows };
}

/**
 * The student's stays in the class and its breakout rooms (rooms first: their sessions are read with the class's),
 * put together as the class report puts them (withRoomSpans), and the rooms their rounds assigned them to.
 */
async function loadMyStays(db: Kysely<Database>, session: LiveSessionRow, userId: string, now: Date) {
  const rooms = await listClassBreakoutRooms(db, [session.id], userId);
  const ids = [session.id, ...rooms.map((r) => r.sessionId)];
  const [room, meeting, hasMeetingData] = await Promise.all([
    listMyStays(db, 'session_attendance', ids, userId),
    listMyStays(db, 'meeting_participant_segments', ids, userId),
    classHasRosterMeetingData(db, ids, session.course_id, session.actual_end ?? now),
  ]);
  const { roomNames, roomsOf } = breakoutsByClass(rooms).get(session.id) ?? { roomNames: new Map<string, string>(), roomsOf: new Map() };
  const mine = (bySession: Map<string, Span[]>) => withRoomSpans(bySession.get(session.id) ?? [], (id) => bySession.get(id), roomNames);
  return { room: mine(room), meeting: mine(meeting), hasMeetingData, rooms: roomsOf.get(userId) ?? [] };
}
