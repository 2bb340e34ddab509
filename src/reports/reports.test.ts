import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liveSession, pollIn, vote } from '../polls/polls.fixtures.ts';
import { assertError } from '../test/http.ts';
import { auditRows, type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { ask, type HeldClass, heldClass, joinMeeting, sendChat } from './reports.fixtures.ts';
import { courseReport, sessionReport } from './reports.schemas.ts';

const S1 = 'course-1-s1';
const S2 = 'course-1-s2';
const quiz = { question: '2 + 2?', type: 'single', options: ['3', '4'], correctOption: 1 };

for (const target of await dbTargets('session and course reports')) {
  describe(`reports on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let first: HeldClass;
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const reportUrl = (id: string, query = '') => `/api/live-sessions/${id}/report${query}`;

    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      // Sam clicks "Join meeting", stays 58 of 60 minutes, talks and answers a quiz; Sky only opened the class page
      // for three seconds.
      first = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [S1]: [[0, 58]], [S2]: [[5, 5.05]] }, async (id) => {
        await joinMeeting(t, c.student, id);
        await sendChat(t, c.student, id, '=cmd|" /C calc"!A0, and "quotes"');
        await ask(t, c.student, id, 'Why BFS?');
        await ask(t, c.student2, id, 'A secret', true);
        const pollId = await pollIn(t, c, id, quiz);
        const voted = await vote(t, c.student, id, pollId, 1);
        assert.equal(voted.statusCode, 200, voted.body);
      });
    });
    after(() => t.close());

    test('the report tells a meeting click from a page view: one present, one absent', async () => {
      const res = await get(reportUrl(first.id), c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      // The route writes its JSON without checking it (reports.routes.ts): the body must be exactly the contract.
      assert.deepEqual(sessionReport.parse(report), report);
      assert.equal(report.sessionId, first.id);
      assert.deepEqual(report.rules, { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'either' });
      assert.equal(report.summary.classMinutes, 60);
      assert.equal(report.summary.rosterStudents, 2);
      assert.deepEqual(report.summary.counts, { present: 1, late: 0, partial: 0, absent: 1 });
      assert.equal(report.summary.attendanceRate, 50);
      assert.equal(report.summary.messages, 1);
      assert.deepEqual(report.summary.questions, { total: 2, answered: 0, open: 2, dismissed: 0 });
      assert.equal(report.summary.quizAverage, 100);
      const [sam, sky] = report.students;
      assert.equal(sam.userId, S1);
      assert.equal(sam.status, 'present');
      assert.equal(sam.joinedMeeting, true);
      assert.ok(sam.joinedMeetingAt);
      assert.equal(sam.minutes, 58);
      assert.equal(sam.messages, 1);
      assert.equal(sam.questions, 1);
      assert.deepEqual([sam.pollsAnswered, sam.pollsOffered, sam.quizCorrect, sam.quizAsked, sam.quizScore], [1, 1, 1, 1, 100]);
      assert.equal(sky.userId, S2);
      assert.equal(sky.status, 'absent');
      assert.equal(sky.joinedMeeting, false);
      assert.equal(sky.joinedMeetingAt, null);
      assert.equal(sky.segments.length, 1);
      // The anonymous question is counted for the class, never for its author.
      assert.equal(sky.questions, 0);
      assert.equal(report.polls.length, 1);
      assert.deepEqual(
        report.polls[0].answers.map((a: { userId: string; correct: boolean }) => [a.userId, a.correct]),
        [[S1, true]],
      );
      assert.ok(report.timeline.length >= 60);
    });

    test('only the meeting click is recorded as a meeting open', async () => {
      const rows = await t.db.selectFrom('meeting_opens').selectAll().where('session_id', '=', first.id).execute();
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.opens]),
        [[S1, 1]],
      );
    });

    test('a class override moves the boundary: 58 of 60 minutes is partial at 100 %', async () => {
      const put = (attendance: unknown) =>
        t.request({ method: 'PUT', url: `/api/live-sessions/${first.id}`, token: c.mentor, body: { attendance } });
      assert.equal((await put({ presentPercent: 100 })).statusCode, 200);
      const report = (await get(reportUrl(first.id), c.mentor)).json();
      assert.equal(report.rules.presentPercent, 100);
      assert.equal(report.students[0].status, 'partial');
      // The course's settings apply where the class has no override: with no minimum, Sky's three seconds are partial.
      await t.request({
        method: 'PUT',
        url: `/api/courses/${c.courseId}/settings`,
        token: c.mentor,
        body: { attendance: { minimumMinutes: 0 } },
      });
      const withCourse = (await get(reportUrl(first.id), c.mentor)).json();
      assert.equal(withCourse.rules.minimumMinutes, 0);
      assert.equal(withCourse.students[1].status, 'partial');
      await put(null);
      await t.request({ method: 'PUT', url: `/api/courses/${c.courseId}/settings`, token: c.mentor, body: { attendance: {} } });
      assert.equal((await get(reportUrl(first.id), c.mentor)).json().students[0].status, 'present');
    });

    test('a student reads only their own row, answers and quiz results', async () => {
      const res = await get(reportUrl(first.id, '/me'), c.student);
      assert.equal(res.statusCode, 200, res.body);
      const mine = res.json();
      assert.deepEqual(Object.keys(mine).sort(), ['polls', 'row', 'rules', 'sessionId', 'status', 'title']);
      assert.equal(mine.row.userId, S1);
      assert.equal(mine.row.status, 'present');
      assert.equal(mine.polls.length, 1);
      assert.equal(mine.polls[0].myAnswer.choice, 1);
      assert.equal(mine.polls[0].myAnswer.correct, true);
      assert.equal(mine.polls[0].answers, undefined);
      assert.doesNotMatch(res.body, new RegExp(S2));
      const sky = (await get(reportUrl(first.id, '/me'), c.student2)).json();
      assert.equal(sky.row.userId, S2);
      assert.equal(sky.polls[0].myAnswer, null);
    });

    test("while a quiz is open, a student's own report shows neither its answer nor whether theirs was right", async () => {
      const live = await liveSession(t, c);
      const pollId = await pollIn(t, c, live.id, quiz);
      assert.equal((await vote(t, c.student, live.id, pollId, 0)).statusCode, 200);
      const res = await get(reportUrl(live.id, '/me'), c.student);
      assert.equal(res.statusCode, 200, res.body);
      const [poll] = res.json().polls;
      assert.equal(poll.correctOption, null);
      assert.equal(poll.myAnswer.choice, 0);
      assert.equal(poll.myAnswer.correct, null);
    });

    test('access: managers only on the report; outsiders learn nothing; mentors have no /me', async () => {
      assertError(await get(reportUrl(first.id), c.student), 403, 'FORBIDDEN');
      assertError(await get(reportUrl(first.id, '?format=csv'), c.student), 403, 'FORBIDDEN');
      assertError(await get(reportUrl(first.id), c.mentorWithStudentToken), 403, 'FORBIDDEN');
      assertError(await get(reportUrl(first.id), other.mentor), 404, 'SESSION_NOT_FOUND');
      assertError(await get(reportUrl(first.id, '/me'), other.student), 404, 'SESSION_NOT_FOUND');
      assertError(await get(reportUrl(first.id, '/me'), c.mentor), 403, 'FORBIDDEN');
      assert.equal((await get(reportUrl(first.id), c.admin)).statusCode, 200);
      assertError(await get(reportUrl('00000000-0000-4000-8000-000000000000'), c.mentor), 404, 'SESSION_NOT_FOUND');
      assertError(await get(reportUrl(first.id, '?format=xml'), c.mentor), 400, 'VALIDATION_FAILED');
      assertError(await get(reportUrl(first.id, '?format=csv&table=grades'), c.mentor), 400, 'VALIDATION_FAILED');
      assertError(await get(reportUrl(first.id, '?since=1'), c.mentor), 400, 'VALIDATION_FAILED');
      assert.ok((await auditRows(t.db, { action: 'report.read', outcome: 'denied' })).length >= 3);
    });

    test('CSV: one table per request, UTF-8 with a header row, formula-looking text neutralised', async () => {
      const students = await get(reportUrl(first.id, '?format=csv&table=students'), c.mentor);
      assert.equal(students.statusCode, 200);
      assert.equal(students.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(students.headers['content-disposition'], `attachment; filename="class-${first.id}-students.csv"`);
      const lines = students.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0] ?? '', /^userId,name,email,status,joinedMeeting,/);
      assert.match(lines[1] ?? '', /^course-1-s1,Sam Student,,present,true,/);
      assert.match(lines[2] ?? '', /^course-1-s2,Sky Student,,absent,false,/);
      const chat = await get(reportUrl(first.id, '?format=csv&table=chat'), c.mentor);
      assert.match(chat.body, /,"'=cmd\|"" \/C calc""!A0, and ""quotes"""\r\n$/);
      const questions = (await get(reportUrl(first.id, '?format=csv&table=questions'), c.mentor)).body;
      assert.match(questions, /A secret/);
      assert.doesNotMatch(questions.split('\r\n').find((l) => l.includes('A secret')) ?? '', /course-1-s2|Sky/);
      for (const table of ['segments', 'polls']) {
        assert.equal((await get(reportUrl(first.id, `?format=csv&table=${table}`), c.mentor)).statusCode, 200);
      }
      // Every download is audited with its table: the files carry the class's names, emails, chat and answers.
      const exports = await auditRows(t.db, { action: 'report.export', outcome: 'success' });
      const tables = exports.filter((r) => r.session_id === first.id).map((r) => (r.details as { table: string }).table);
      assert.deepEqual(tables.sort(), ['chat', 'polls', 'questions', 'segments', 'students']);
    });

    test('the course report: two classes, a run of two absences flags the student at risk', async () => {
      await heldClass(t, c, new Date('2026-11-09T09:00:00Z'), { [S1]: [[12, 60]], [S2]: [] });
      const res = await get(`/api/courses/${c.courseId}/report?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      assert.deepEqual(courseReport.parse(report), report);
      assert.equal(report.classes.length, 2);
      assert.deepEqual(
        report.classes.map((k: { date: string }) => k.date),
        ['2026-11-02T09:00:00.000Z', '2026-11-09T09:00:00.000Z'],
      );
      const [sam, sky] = report.students;
      assert.deepEqual([sam.userId, sam.classesHeld, sam.classesAttended, sam.consecutiveAbsences, sam.atRisk], [S1, 2, 2, 0, false]);
      assert.deepEqual([sky.userId, sky.classesHeld, sky.classesAttended, sky.consecutiveAbsences, sky.atRisk], [S2, 2, 0, 2, true]);
      assert.equal(sky.attendanceRate, 0);
      // A student put on the roster after both classes is not counted absent from them, nor flagged.
      const added = await t.request({
        method: 'PUT',
        url: `/api/courses/${c.courseId}/members`,
        token: c.admin,
        body: { members: [{ userId: 'course-1-s3', name: 'Zoe Newcomer', role: 'student' }] },
      });
      assert.equal(added.statusCode, 200, added.body);
      const withNewcomer = (await get(`/api/courses/${c.courseId}/report`, c.mentor)).json();
      const zoe = withNewcomer.students.find((s: { userId: string }) => s.userId === 'course-1-s3');
      assert.deepEqual([zoe.classesHeld, zoe.attendanceRate, zoe.consecutiveAbsences, zoe.atRisk], [0, null, 0, false]);
      assert.equal((await get(reportUrl(first.id), c.mentor)).json().summary.rosterStudents, 2);
      const later = (await get(`/api/courses/${c.courseId}/report?from=2026-11-05T00:00:00Z`, c.mentor)).json();
      assert.equal(later.classes.length, 1);
      const csv = await get(`/api/courses/${c.courseId}/report?format=csv&table=classes`, c.mentor);
      assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(csv.headers['content-disposition'], 'attachment; filename="course-course-1-classes.csv"');
      assert.match(csv.body, /^\uFEFFsessionId,title,date,attendanceRate,peakConcurrent,messages,questions,votes\r\n/);
      const courseExports = await auditRows(t.db, { action: 'report.export', outcome: 'success' });
      assert.ok(courseExports.some((r) => r.target_type === 'course' && r.target_id === c.courseId));
      // A year the embedded database cannot store is refused, not a 500.
      assertError(await get(`/api/courses/${c.courseId}/report?from=0000-01-01T00:00:00Z`, c.mentor), 400, 'VALIDATION_FAILED');
      assertError(await get(`/api/courses/${c.courseId}/report`, c.student), 403, 'FORBIDDEN');
      assertError(await get(`/api/courses/${c.courseId}/report`, other.mentor), 403, 'FORBIDDEN');
      assertError(await get(`/api/courses/${c.courseId}/report?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, c.mentor), 400);
      assertError(await get(`/api/courses/${c.courseId}/report?from=yesterday`, c.mentor), 400, 'VALIDATION_FAILED');
    });
  });
}
