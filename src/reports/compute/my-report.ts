import type { z } from 'zod';
import type { myReport, SessionReport } from '../reports.schemas.ts';

type MyReport = z.infer<typeof myReport>;

/**
 * A student's own part of a session report (GET …/report/me): their row and, per poll, their own answer. An
 * anonymous poll shows no answer even to the person who gave it (the report never attributes one), and while a quiz
 * is still open neither the correct option nor whether their answer was right is shown. Null when the student has no
 * row (not on the roster): the caller decides what that means.
 */
export function myReportOf(report: SessionReport, userId: string): MyReport | null {
  const row = report.students.find((s) => s.userId === userId);
  if (!row) return null;
  return {
    sessionId: report.sessionId,
    title: report.title,
    status: report.status,
    rules: report.rules,
    row,
    polls: report.polls.map(({ answers, responses: _r, responseRate: _rate, ...poll }) => {
      const open = poll.status === 'open';
      const mine = answers?.find((a) => a.userId === userId) ?? null;
      return {
        ...poll,
        correctOption: open ? null : poll.correctOption,
        myAnswer: mine && open ? { ...mine, correct: null } : mine,
      };
    }),
  };
}
