import type { Kysely } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import {
  countMyActivity,
  countPollChoices,
  findMyMeetingOpen,
  listMyAnswers,
  listMyStays,
  sessionsWithRosterMeetingData,
} from './my-report.repo.ts';
import { listClassBreakoutRooms } from './breakouts.repo.ts';
import { breakoutsByClass, noBreakouts, splitRoomsByMeetingData, withRoomSpans, worstMeetingSync } from './report-breakouts.ts';
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
  const [{ room, meeting, meetingFallback, hasMeetingData, rooms, roomSyncs }, opened, activity, pollRows, answers, choices] =
    await Promise.all([
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
    meetingFallback: one(meetingFallback.length > 0 ? meetingFallback : null),
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
    meetingSync: worstMeetingSync(
      { status: session.meeting_sync_status, syncedAt: session.meeting_synced_at, error: session.meeting_sync_error },
      roomSyncs,
    ),
    now,
  };
  return { input, pollRows };
}

/**
 * The student's stays in the class and its breakout rooms, put together as the class report puts them (withRoomSpans,
 * splitRoomsByMeetingData), the rooms their rounds assigned them to, and the rooms' meeting syncs: one round of reads.
 */
async function loadMyStays(db: Kysely<Database>, session: LiveSessionRow, userId: string, now: Date) {
  const [rooms, room, meeting, withData] = await Promise.all([
    listClassBreakoutRooms(db, [session.id], userId),
    listMyStays(db, 'session_attendance', session.id, userId),
    listMyStays(db, 'meeting_participant_segments', session.id, userId),
    sessionsWithRosterMeetingData(db, session.id, session.course_id, session.actual_end ?? now),
  ]);
  const { roomNames, roomsOf, roomSyncs } = breakoutsByClass(rooms).get(session.id) ?? noBreakouts();
  const { withMeeting, withoutMeeting } = splitRoomsByMeetingData(roomNames, (roomId) => withData.has(roomId));
  const mine = (bySession: Map<string, Span[]>, names: Map<string, string>, own = bySession.get(session.id) ?? []) =>
    withRoomSpans(own, (id) => bySession.get(id), names);
  return {
    room: mine(room, roomNames),
    meeting: mine(meeting, withMeeting),
    meetingFallback: mine(room, withoutMeeting, []),
    hasMeetingData: withData.has(session.id),
    rooms: roomsOf.get(userId) ?? [],
    roomSyncs,
  };
}
