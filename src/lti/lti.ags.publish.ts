import { findSession } from '../classroom/access.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { LtiGradePublicationRow } from '../db/tables.ts';
import { computeSessionReport } from '../reports/compute/session-report.ts';
import { loadReportInput } from '../reports/report-loader.ts';
import type { SessionReport } from '../reports/reports.schemas.ts';
import { listRosterStudents } from '../reports/reports.repo.ts';
import { effectiveRules } from '../reports/rules.ts';
import { findCourseSettings } from '../reports/settings.repo.ts';
import { findOrCreateLineItem, type LineItemSpec, postScore, type Score } from './lti.ags.client.ts';
import { subsOf } from './lti.ags.repo.ts';
import { findLtiCourse } from './lti.nrps.repo.ts';
import { type CallOptions, LtiServiceError, sameOrigin } from './lti.service-token.http.ts';
import { LTI_SCOPES, type ServiceTokens } from './lti.service-token.ts';

/** Scores posted at once to one platform: quick for a class of hundreds, gentle on the LMS. */
const SCORE_CONCURRENCY = 4;
export const TAG_PREFIX = 'skill-probe-live:';

type Student = SessionReport['students'][number];

/**
 * A student's score of one kind (see docs/lti.md): attendance as the report's percent of the class (0–100),
 * or its status as attended (present, late: 1) or not (partial, absent: 0) out of 1, the status word as the comment;
 * quizzes as right answers out of the quizzes asked (a skipped quiz counts as not right, as in the report).
 */
export function scoreOf(pub: Pick<LtiGradePublicationRow, 'mode'>, row: Student, quizzesAsked: number): Omit<Score, 'userId'> {
  if (pub.mode === 'percent') {
    return { scoreGiven: Math.min(100, Math.max(0, row.percentOfClass)), scoreMaximum: 100, comment: `Attendance: ${row.status}` };
  }
  if (pub.mode === 'status') {
    return { scoreGiven: row.status === 'present' || row.status === 'late' ? 1 : 0, scoreMaximum: 1, comment: `Attendance: ${row.status}` };
  }
  return { scoreGiven: row.quizCorrect, scoreMaximum: quizzesAsked, comment: `Quiz: ${row.quizCorrect} of ${quizzesAsked} right` };
}

export interface PublishResult {
  lineItemUrl: string | null;
  /** Scores the LMS accepted. */
  scoresSent: number;
  /** Scores the LMS refused for that student alone (400, 404, 409, 422: e.g. unenrolled since): not graded there. */
  refused: number;
  /** Roster students with no LMS user known (never launched, not in a roster sync): not graded there. */
  unmatched: number;
}

/** Answers to one score that concern that student alone: the others' scores are still sent. */
const STUDENT_REFUSALS = new Set([400, 404, 409, 422]);

export interface PublishOptions extends CallOptions {
  /** Told of each score the LMS refused for that student alone (to log it: `err.detail` holds its answer). */
  onRefused?: (sub: string, err: LtiServiceError) => void;
}

/**
 * Sends one class's grades of one kind: the class report computed as its managers read it, its line item found or
 * created, then every student's score. `onLineItem` keeps the line item's URL before any score is sent, so a retry
 * posts into the same column. A score refused for its student alone is counted in `refused` and the others go on;
 * any other refusal or failure (401, 403, 5xx, the network) throws an LtiServiceError (retryable or not).
 */
export async function publishGrades(
  db: Db,
  tokens: ServiceTokens,
  pub: LtiGradePublicationRow,
  onLineItem: (url: string) => Promise<void>,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const [session, course] = await Promise.all([findSession(db, pub.session_id), findLtiCourse(db, pub.course_id)]);
  if (!session) throw new LtiServiceError('The class no longer exists', false);
  if (!course?.ags_lineitems_url) {
    throw new LtiServiceError('The LMS did not offer Assignment and Grade Services for this course at its last launch', false);
  }
  const missing = [LTI_SCOPES.lineItem, LTI_SCOPES.score].filter((scope) => !course.ags_scopes.includes(scope));
  if (missing.length > 0) throw new LtiServiceError(`The LMS did not grant the scopes ${missing.join(', ')}`, false);

  const rules = effectiveRules((await findCourseSettings(db, session.course_id))?.attendance, session.attendance_overrides);
  const input = await loadReportInput(db, session, rules, await listRosterStudents(db, session.course_id), new Date());
  const report = computeSessionReport(input);
  const quizzesAsked = Math.max(0, ...report.students.map((s) => s.quizAsked));
  if (pub.kind === 'quiz' && quizzesAsked === 0) return { lineItemUrl: null, scoresSent: 0, refused: 0, unmatched: 0 };

  const platform = { id: course.platform_id, client_id: course.client_id, token_url: course.token_url };
  const subs = await subsOf(
    db,
    course.platform_id,
    report.students.map((s) => s.userId),
  );
  const spec: LineItemSpec = {
    label: `${session.title.slice(0, 200)} — ${pub.kind === 'quiz' ? 'quiz' : 'attendance'}`,
    resourceId: session.id,
    tag: `${TAG_PREFIX}${pub.kind}`,
    scoreMaximum: pub.mode === 'percent' ? 100 : pub.mode === 'status' ? 1 : quizzesAsked,
  };
  // A column kept from before the LMS moved (a later launch gave another service URL) is looked up again there.
  let lineItemUrl = pub.line_item_url && sameOrigin(pub.line_item_url, course.ags_lineitems_url) ? pub.line_item_url : null;
  if (!lineItemUrl) {
    lineItemUrl = await findOrCreateLineItem(tokens, platform, course.ags_lineitems_url, spec, opts);
    await onLineItem(lineItemUrl);
  }
  const scores: Score[] = report.students.flatMap((row) => {
    const sub = subs.get(row.userId);
    return sub ? [{ userId: sub, ...scoreOf(pub, row, quizzesAsked) }] : [];
  });
  const target = lineItemUrl;
  let next = 0;
  let refused = 0;
  let failed = false;
  // A refusal of one student's score skips that student; any other failure stops every lane and the whole publication
  // is retried (a score posted again replaces itself).
  const lane = async () => {
    while (next < scores.length && !failed && !opts.signal?.aborted) {
      const score = scores[next++] as Score;
      await postScore(tokens, platform, target, score, opts).catch((err: unknown) => {
        if (err instanceof LtiServiceError && err.status !== undefined && STUDENT_REFUSALS.has(err.status)) {
          refused++;
          opts.onRefused?.(score.userId, err);
          return;
        }
        failed = true;
        throw err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCORE_CONCURRENCY, scores.length) }, lane));
  if (opts.signal?.aborted) throw new LtiServiceError('Stopped before every score was sent', true);
  return { lineItemUrl, scoresSent: scores.length - refused, refused, unmatched: report.students.length - scores.length };
}
