import type { z } from 'zod';
import type { Db } from '../db/kysely.ts';
import {
  chatTable,
  courseClassesTable,
  courseStudentsTable,
  questionsTable,
  sessionGuestsTable,
  sessionPollsTable,
  sessionSegmentsTable,
  sessionStudentsTable,
  tableToCsv,
} from './csv-tables.ts';
import type { SessionReportInput } from './report-input.ts';
import type { courseReport, reportTable, SessionReport } from './reports.schemas.ts';
import { listChatForCsv, listQuestionsForCsv } from './reports.repo.ts';

/** One table of a class report as CSV; questions and chat are read only when asked for. */
export async function sessionCsv(db: Db, table: z.infer<typeof reportTable>, report: SessionReport, input: SessionReportInput) {
  switch (table) {
    case 'students':
      return tableToCsv(sessionStudentsTable(report));
    case 'segments':
      return tableToCsv(sessionSegmentsTable(report));
    case 'polls':
      return tableToCsv(sessionPollsTable(report, input.polls));
    case 'guests':
      return tableToCsv(sessionGuestsTable(report));
    case 'questions': {
      const rows = await listQuestionsForCsv(db, input.session.id);
      return tableToCsv(
        questionsTable(
          rows.map((q) => ({
            questionId: q.id,
            askedAt: q.created_at,
            author: q.user_id === null ? null : { userId: q.user_id, name: q.name ?? q.user_id },
            question: q.question,
            status: q.status,
            upvotes: q.upvotes,
            answer: q.answer,
          })),
        ),
      );
    }
    case 'chat': {
      const rows = await listChatForCsv(db, input.session.id);
      return tableToCsv(
        chatTable(
          rows.map((m) => ({ messageId: m.id, sentAt: m.created_at, userId: m.user_id, name: m.name, type: m.type, body: m.body })),
        ),
      );
    }
  }
}

/** One table of a course report as CSV. */
export function courseCsv(table: 'students' | 'classes', report: z.infer<typeof courseReport>): string {
  return tableToCsv(table === 'students' ? courseStudentsTable(report) : courseClassesTable(report));
}
