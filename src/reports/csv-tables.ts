import type { z } from 'zod';
import type { ReportPollInput } from './report-input.ts';
import type { courseReport, SessionReport } from './reports.schemas.ts';
import { toCsv } from './csv.ts';

type CourseReport = z.infer<typeof courseReport>;

/** A table ready for toCsv: the header row and the records, with raw values (csvCell formats them). */
export interface CsvTable {
  header: string[];
  rows: unknown[][];
}

/** The CSV file of a table. */
export const tableToCsv = (table: CsvTable): string => toCsv(table.header, table.rows);

/** One question of the class, as the loader reads it for the questions CSV. */
export interface QuestionCsvRow {
  questionId: string;
  askedAt: Date;
  /** Null for an anonymous question: the CSV never names who asked it. */
  author: { userId: string; name: string } | null;
  question: string;
  status: 'pending' | 'open' | 'answered' | 'dismissed' | 'rejected';
  upvotes: number;
  /** The written answer; null while open or when answered live. */
  answer: string | null;
}

/** One chat message of the class, as the loader reads it for the chat CSV. */
export interface ChatCsvRow {
  messageId: string;
  sentAt: Date;
  userId: string;
  name: string;
  type: 'text' | 'question' | 'answer';
  body: string;
}

const STUDENT_COLUMNS = [
  'userId',
  'name',
  'email',
  'status',
  'joinedMeeting',
  'joinedMeetingAt',
  'firstJoin',
  'lastLeave',
  'minutes',
  'meetingMinutes',
  'percentOfClass',
  'messages',
  'questions',
  'upvotesGiven',
  'pollsAnswered',
  'pollsOffered',
  'quizCorrect',
  'quizAsked',
  'quizScore',
  'quizPoints',
] as const satisfies readonly (keyof SessionReport['students'][number])[];

/**
 * Session report → students: one row per roster student, the StudentReportRow's scalar fields, then `breakoutRooms`
 * (issue 15's name for it): the row's breakoutRooms joined with "; ", empty for a student never in one.
 */
export function sessionStudentsTable(report: SessionReport): CsvTable {
  return {
    header: [...STUDENT_COLUMNS, 'breakoutRooms'],
    rows: report.students.map((s) => [...STUDENT_COLUMNS.map((key) => s[key]), s.breakoutRooms.join('; ')]),
  };
}

/**
 * Session report → segments: every stay, room and meeting, one row each with its source, so that a rule such as
 * "stayed 75 %" can be checked by hand. Minutes are the stay's own length as stored (empty while still open);
 * `breakoutRoom` names the breakout room a stay was in (empty for the class itself).
 */
export function sessionSegmentsTable(report: SessionReport): CsvTable {
  const header = ['userId', 'name', 'email', 'source', 'joinedAt', 'leftAt', 'minutes', 'breakoutRoom'];
  const rows: unknown[][] = [];
  for (const s of report.students) {
    const stays = [
      ...s.segments.map((seg) => ({ source: 'room', ...seg })),
      ...s.meetingSegments.map((seg) => ({ source: 'meeting', ...seg })),
    ].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
    for (const stay of stays) {
      const minutes = stay.leftAt === null ? null : Math.round((Date.parse(stay.leftAt) - Date.parse(stay.joinedAt)) / 6_000) / 10;
      rows.push([s.userId, s.name, s.email, stay.source, stay.joinedAt, stay.leftAt, minutes, stay.breakoutRoom ?? null]);
    }
  }
  return { header, rows };
}

/** A choice as people read it: option text for choice polls, the rating or text as given. */
function answerText(poll: Pick<ReportPollInput, 'type' | 'options'>, choice: unknown): unknown {
  const option = (i: unknown) => (typeof i === 'number' ? (poll.options[i] ?? String(i)) : String(i));
  if (poll.type === 'single') return option(choice);
  if (poll.type === 'multiple' && Array.isArray(choice)) return choice.map(option).join('; ');
  if (poll.type === 'wordcloud' && Array.isArray(choice)) return choice.join('; ');
  return choice;
}

/**
 * Session report → polls: one row per answer. A named poll's rows carry who answered and when (roster students, as
 * in the report); an anonymous poll's rows carry the answer alone, sorted by answer, since a time beside the
 * attendance table could point at the person.
 */
export function sessionPollsTable(report: SessionReport, polls: readonly ReportPollInput[]): CsvTable {
  const header = ['pollId', 'question', 'type', 'quiz', 'anonymous', 'userId', 'name', 'answer', 'correct', 'answeredAt'];
  const inputs = new Map(polls.map((p) => [p.pollId, p]));
  const rows: unknown[][] = [];
  for (const poll of report.polls) {
    const lead = [poll.pollId, poll.question, poll.type, poll.quiz, poll.anonymous];
    if (poll.answers !== null) {
      for (const a of poll.answers) rows.push([...lead, a.userId, a.name, answerText(poll, a.choice), a.correct, a.answeredAt]);
      continue;
    }
    const answers = (inputs.get(poll.pollId)?.responses ?? []).map((r) => answerText(poll, r.choice));
    answers.sort((a, b) => String(a).localeCompare(String(b)));
    for (const answer of answers) rows.push([...lead, null, null, answer, null, null]);
  }
  return { header, rows };
}

/** Questions of the class, oldest first; anonymous ones without a name. */
export function questionsTable(questions: readonly QuestionCsvRow[]): CsvTable {
  const header = ['questionId', 'askedAt', 'userId', 'name', 'anonymous', 'question', 'status', 'upvotes', 'answer'];
  const rows = [...questions]
    .sort((a, b) => a.askedAt.getTime() - b.askedAt.getTime())
    .map((q) => [q.questionId, q.askedAt, q.author?.userId, q.author?.name, q.author === null, q.question, q.status, q.upvotes, q.answer]);
  return { header, rows };
}

/** Chat messages of the class, oldest first. */
export function chatTable(messages: readonly ChatCsvRow[]): CsvTable {
  const header = ['messageId', 'sentAt', 'userId', 'name', 'type', 'body'];
  const rows = [...messages]
    .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime())
    .map((m) => [m.messageId, m.sentAt, m.userId, m.name, m.type, m.body]);
  return { header, rows };
}

/** Session report → guests: people in the video meeting (or a breakout room's) matched to nobody, by first join. */
export function sessionGuestsTable(report: SessionReport): CsvTable {
  const header = ['displayName', 'email', 'minutes', 'firstJoinedAt', 'lastLeftAt', 'breakoutRoom'];
  return {
    header,
    rows: report.meetingGuests.map((g) => [g.displayName, g.email, g.minutes, g.firstJoinedAt, g.lastLeftAt, g.breakoutRoom]),
  };
}

const COURSE_STUDENT_COLUMNS = [
  'userId',
  'name',
  'email',
  'classesHeld',
  'classesAttended',
  'attendanceRate',
  'minutes',
  'messages',
  'questions',
  'upvotesGiven',
  'pollsAnswered',
  'quizAverage',
  'consecutiveAbsences',
  'atRisk',
] as const satisfies readonly (keyof CourseReport['students'][number])[];

/** Course report → students. */
export function courseStudentsTable(report: CourseReport): CsvTable {
  return { header: [...COURSE_STUDENT_COLUMNS], rows: report.students.map((s) => COURSE_STUDENT_COLUMNS.map((key) => s[key])) };
}

const COURSE_CLASS_COLUMNS = [
  'sessionId',
  'title',
  'date',
  'attendanceRate',
  'peakConcurrent',
  'messages',
  'questions',
  'votes',
] as const satisfies readonly (keyof CourseReport['classes'][number])[];

/** Course report → classes, oldest first. */
export function courseClassesTable(report: CourseReport): CsvTable {
  return { header: [...COURSE_CLASS_COLUMNS], rows: report.classes.map((c) => COURSE_CLASS_COLUMNS.map((key) => c[key])) };
}
