import type { SessionReportInput } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { peakConcurrent } from './concurrency.ts';
import { meetingGuests } from './guests.ts';
import { isoUtc, median, minutes1, percentOrNull, round1 } from './numbers.ts';
import { pollResponseRate, reportPolls } from './polls.ts';
import { type ClassWindow, classWindow } from './spans.ts';
import { type StudentResult, sortRoster, studentResults } from './students.ts';
import { timeline } from './timeline.ts';

type Summary = SessionReport['summary'];

/**
 * The whole session report from rows already read (no I/O): summary, a per-minute timeline, one row per roster
 * student sorted by name, and the polls. Everything is measured against the class window (spans.ts classWindow);
 * statuses are decided on exact milliseconds, and only the figures shown are rounded to one decimal (numbers.ts).
 */
export function computeSessionReport(input: SessionReportInput): SessionReport {
  const { session, now } = input;
  const window = classWindow(session, now);
  const roster = sortRoster(input.roster);
  const results = studentResults(input, roster, window);
  return {
    sessionId: session.id,
    courseId: session.courseId,
    title: session.title,
    status: session.status,
    generatedAt: isoUtc(now.getTime()),
    rules: input.rules,
    summary: summarize(input, window, results),
    ...timeline(input.activity, window.span, results),
    students: results.map((r) => r.row),
    polls: reportPolls(input.polls, roster),
    meetingGuests: meetingGuests(input.meetingGuests ?? [], window, now),
  };
}

function summarize(input: SessionReportInput, window: ClassWindow, results: StudentResult[]): Summary {
  const { session } = input;
  const counts = { present: 0, late: 0, partial: 0, absent: 0 };
  let countedMs = 0;
  for (const r of results) {
    counts[r.row.status] += 1;
    countedMs += r.counted.ms;
  }
  const peak = peakConcurrent(results.map((r) => r.counted.intervals));
  const spanMs = window.span.end - window.span.start;
  const quizScores = results.flatMap((r) => (r.row.quizScore === null ? [] : [(r.row.quizCorrect * 100) / r.row.quizAsked]));
  return {
    scheduledStart: session.scheduledStart.toISOString(),
    scheduledEnd: new Date(session.scheduledStart.getTime() + session.durationMinutes * 60_000).toISOString(),
    actualStart: session.actualStart?.toISOString() ?? null,
    actualEnd: session.actualEnd?.toISOString() ?? null,
    classMinutes: minutes1(window.classMs),
    rosterStudents: results.length,
    counts,
    attendanceRate: percentOrNull(counts.present + counts.late, results.length),
    peakConcurrent: peak.peak,
    peakAt: peak.at === null ? null : new Date(peak.at).toISOString(),
    // Nothing counts before the start, so a class that never started averages 0 over its scheduled span.
    averageConcurrent: spanMs > 0 ? round1(countedMs / spanMs) : 0,
    medianMinutes: minutes1(median(results.map((r) => r.counted.ms))),
    messages: input.messages,
    questions: input.questions,
    pollResponseRate: pollResponseRate(input.polls, input.roster),
    // The mean of exact scores, rounded once (not a mean of the rows' rounded scores).
    quizAverage: quizScores.length > 0 ? round1(quizScores.reduce((a, b) => a + b, 0) / quizScores.length) : null,
    meetingSync: {
      status: input.meetingSync.status,
      syncedAt: input.meetingSync.syncedAt?.toISOString() ?? null,
      error: input.meetingSync.error,
    },
  };
}
