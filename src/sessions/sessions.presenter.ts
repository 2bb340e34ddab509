import type { LiveSessionRow } from '../db/tables.ts';
import type { SessionDto } from './sessions.schemas.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Shapes a session for a viewer. Only managers see the meeting link (and why it failed) here; everyone else receives
 * it from `POST …/join`, which is what records their attendance, and only while the class can be joined. `joinUrl`,
 * when given, is the link made for this viewer (a Jitsi link with their own token).
 */
export function toSessionDto(row: LiveSessionRow, viewerManages: boolean, joinUrl?: string | null): SessionDto {
  return {
    id: row.id,
    courseId: row.course_id,
    title: row.title,
    description: row.description,
    mentorId: row.mentor_id,
    scheduledStart: row.scheduled_start.toISOString(),
    durationMinutes: row.duration_minutes,
    status: row.status,
    actualStart: iso(row.actual_start),
    actualEnd: iso(row.actual_end),
    meeting: {
      provider: row.meeting_provider,
      url: joinUrl !== undefined ? joinUrl : viewerManages ? row.meeting_url : null,
      status: row.meeting_status,
      error: viewerManages ? row.meeting_error : null,
    },
    settings: {
      chatEnabled: row.chat_enabled,
      qaEnabled: row.qa_enabled,
      pollsEnabled: row.polls_enabled,
      anonymousQuestions: row.anonymous_questions,
      reviewQuestions: row.review_questions,
    },
    announcement: row.announcement && row.announcement_at ? { text: row.announcement, setAt: row.announcement_at.toISOString() } : null,
    ...(viewerManages && { attendance: (row.attendance_overrides ?? null) as SessionDto['attendance'] }),
    joinCode: row.join_code,
    parentSessionId: row.parent_session_id,
    seriesId: row.series_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
