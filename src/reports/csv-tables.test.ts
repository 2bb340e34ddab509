import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makePoll, makeReportInput, span, student } from '../test/make-report-input.ts';
import { computeCourseReport } from './compute/course-report.ts';
import { computeSessionReport } from './compute/session-report.ts';
import {
  chatTable,
  courseClassesTable,
  courseStudentsTable,
  questionsTable,
  sessionPollsTable,
  sessionSegmentsTable,
  sessionStudentsTable,
  tableToCsv,
} from './csv-tables.ts';

const iso = (minute: number) => at(minute).toISOString();
const answer = (userId: string, choice: unknown, minute = 6) => ({ userId, choice, atMs: at(minute).getTime() });

/** Ana in the room 0…50 and again from 55 (still open), in the meeting 2…40; Bob never came. */
function input() {
  return makeReportInput({
    roster: [student('u2', '=Bob'), student('u1', 'Ana')],
    roomSegments: new Map([['u1', [span(55, null), span(0, 50)]]]),
    meetingSegments: new Map([['u1', [span(2, 40)]]]),
    hasMeetingData: true,
    polls: [
      makePoll('p1', { correctOption: 1, responses: [answer('u1', 1)] }),
      makePoll('p2', { type: 'multiple', options: ['Red', 'Green', 'Blue'], responses: [answer('u1', [0, 2])] }),
      makePoll('p3', { type: 'text', options: [], anonymous: true, responses: [answer('u2', 'zebra'), answer('u1', 'apple')] }),
    ],
  });
}

describe('session CSV tables', () => {
  const source = input();
  const report = computeSessionReport(source);

  test('students: one row per roster student in report order (the collator sorts a sign before letters), columns named as in the JSON', () => {
    const t = sessionStudentsTable(report);
    assert.deepEqual(t.header.slice(0, 4), ['userId', 'name', 'email', 'status']);
    assert.equal(t.header.length, 21);
    assert.equal(t.header.at(-1), 'breakoutRooms');
    assert.deepEqual(
      t.rows.map((r) => r.slice(0, 4)),
      [
        ['u2', '=Bob', 'u2@example.test', 'absent'],
        ['u1', 'Ana', 'u1@example.test', 'present'],
      ],
    );
  });

  test('a name that looks like a formula is neutralised in the file', () => {
    assert.match(tableToCsv(sessionStudentsTable(report)), /\r\nu2,'=Bob,/);
  });

  test('segments: room and meeting stays in time order with their source; an open stay has no leave and no minutes', () => {
    assert.deepEqual(sessionSegmentsTable(report).rows, [
      ['u1', 'Ana', 'u1@example.test', 'room', iso(0), iso(50), 50, null],
      ['u1', 'Ana', 'u1@example.test', 'meeting', iso(2), iso(40), 38, null],
      ['u1', 'Ana', 'u1@example.test', 'room', iso(55), null, null, null],
    ]);
  });

  test('polls: named answers with who and when (option text, quiz correctness); anonymous ones without, sorted by answer', () => {
    assert.deepEqual(sessionPollsTable(report, source.polls).rows, [
      ['p1', 'Question p1?', 'single', true, false, 'u1', 'Ana', 'B', true, iso(6)],
      ['p2', 'Question p2?', 'multiple', false, false, 'u1', 'Ana', 'Red; Blue', null, iso(6)],
      ['p3', 'Question p3?', 'text', false, true, null, null, 'apple', null, null],
      ['p3', 'Question p3?', 'text', false, true, null, null, 'zebra', null, null],
    ]);
  });

  test('questions: oldest first; an anonymous question names nobody', () => {
    const t = questionsTable([
      { questionId: 'q2', askedAt: at(9), author: null, question: 'Why?', status: 'open', upvotes: 3, answer: null },
      {
        questionId: 'q1',
        askedAt: at(4),
        author: { userId: 'u1', name: 'Ana' },
        question: 'How?',
        status: 'answered',
        upvotes: 0,
        answer: 'Like so',
      },
    ]);
    assert.deepEqual(t.rows, [
      ['q1', at(4), 'u1', 'Ana', false, 'How?', 'answered', 0, 'Like so'],
      ['q2', at(9), undefined, undefined, true, 'Why?', 'open', 3, null],
    ]);
    assert.equal(tableToCsv(t).split('\r\n')[2], `q2,${iso(9)},,,true,Why?,open,3,`);
  });

  test('chat: oldest first, with a message that is a formula, a quote and a line break made harmless', () => {
    const t = chatTable([
      { messageId: 'm2', sentAt: at(3), userId: 'u2', name: 'Bob', type: 'text', body: '=IMPORTXML("x")\nok' },
      { messageId: 'm1', sentAt: at(1), userId: 'u1', name: 'Ana', type: 'text', body: 'Hello, all' },
    ]);
    const lines = tableToCsv(t).split('\r\n');
    assert.equal(lines[0], '\uFEFFmessageId,sentAt,userId,name,type,body');
    assert.equal(lines[1], `m1,${iso(1)},u1,Ana,text,"Hello, all"`);
    assert.equal(lines[2], `m2,${iso(3)},u2,Bob,text,"'=IMPORTXML(""x"")\nok"`);
  });
});

describe('course CSV tables', () => {
  const course = computeCourseReport({
    courseId: 'course-1',
    from: null,
    to: null,
    now: at(120),
    roster: input().roster,
    classes: [computeSessionReport(input())],
  });

  test('students: the course row fields in order', () => {
    const t = courseStudentsTable(course);
    assert.deepEqual(t.header, [
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
    ]);
    // Ana: room 0…50 + 55…end(60) = 55 min vs meeting 38 under `either` → 55 counted; Bob absent once → run 1.
    assert.deepEqual(t.rows, [
      ['u2', '=Bob', 'u2@example.test', 1, 0, 0, 0, 0, 0, 0, 0, null, 1, false],
      ['u1', 'Ana', 'u1@example.test', 1, 1, 100, 55, 0, 0, 0, 2, 100, 0, false],
    ]);
  });

  test('classes: one row per class', () => {
    // Votes: p1 1 + p2 1 + p3 2 = 4.
    assert.deepEqual(courseClassesTable(course).rows, [['session-1', 'Algebra', iso(0), 50, 1, 0, 0, 4]]);
  });
});
