import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001_initial.ts';
import * as realtime from './0002_realtime.ts';
import * as pendingBroadcasts from './0003_pending_broadcasts.ts';
import * as meetingJobs from './0004_meeting_jobs.ts';
import * as eventRetention from './0005_event_retention.ts';
import * as attendanceAnalytics from './0006_attendance_analytics.ts';
import * as meetingSync from './0008_meeting_sync.ts';
import * as pollTimersQuizzes from './0009_poll_timers_quizzes.ts';
import * as qaModeration from './0010_qa_moderation.ts';
import * as handsReactions from './0011_hands_reactions.ts';
import * as joinCodes from './0013_join_codes.ts';
import * as meetingJobClaims from './0014_meeting_job_claims.ts';
import * as groupSets from './0015_group_sets.ts';
import * as breakouts from './0016_breakouts.ts';
import * as lti from './0017_lti.ts';
import * as webhooks from './0018_webhooks.ts';
import * as calendarSeries from './0019_calendar_series.ts';
import * as ltiGrades from './0020_lti_grades.ts';
import * as breakoutRoundPending from './0021_breakout_round_pending.ts';
import * as ltiGradeRefusals from './0022_lti_grade_refusals.ts';

/** Migrations in order. A static list (not a folder scan) so they load the same under tests, scripts and bundles. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_realtime': realtime,
  '0003_pending_broadcasts': pendingBroadcasts,
  '0004_meeting_jobs': meetingJobs,
  '0005_event_retention': eventRetention,
  '0006_attendance_analytics': attendanceAnalytics,
  '0008_meeting_sync': meetingSync,
  '0009_poll_timers_quizzes': pollTimersQuizzes,
  '0010_qa_moderation': qaModeration,
  '0011_hands_reactions': handsReactions,
  '0013_join_codes': joinCodes,
  '0014_meeting_job_claims': meetingJobClaims,
  '0015_group_sets': groupSets,
  '0016_breakouts': breakouts,
  '0017_lti': lti,
  '0018_webhooks': webhooks,
  '0019_calendar_series': calendarSeries,
  '0020_lti_grades': ltiGrades,
  '0021_breakout_round_pending': breakoutRoundPending,
  '0022_lti_grade_refusals': ltiGradeRefusals,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
