import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { type Course, makeCourse, makeTestApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';
import { connect, listen, request } from '../test/sockets.ts';

const APP_SECRET = 'jitsi-app-secret-at-least-32-bytes-long';

describe('Jitsi and pasted links on the embedded defaults', () => {
  let t: TestApp;
  let c: Course;
  before(async () => {
    t = await makeTestApp('pglite');
    c = await makeCourse(t);
  });
  after(() => t.close());
  const schedule = (meeting?: unknown) =>
    t.request({
      method: 'POST',
      url: '/api/live-sessions',
      token: c.mentor,
      body: {
        courseId: c.courseId,
        title: 'Intro',
        scheduledStart: '2026-12-01T10:00:00Z',
        durationMinutes: 30,
        ...(meeting !== undefined && { meeting }),
      },
    });

  test('a fresh install hands out a ready, unguessable Jitsi room', async () => {
    const res = await schedule();
    assert.equal(res.statusCode, 201);
    const { meeting } = res.json();
    assert.equal(meeting.provider, 'jitsi');
    assert.equal(meeting.status, 'ready');
    assert.match(meeting.url, /^https:\/\/meet\.jit\.si\/SkillProbe-Intro-[0-9a-f]{32}$/);
  });

  test('a mentor may paste an https link; google is refused when the operator has not configured it', async () => {
    const pasted = await schedule({ url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x' });
    assert.equal(pasted.statusCode, 201, pasted.body);
    assert.deepEqual(pasted.json().meeting, {
      provider: 'manual',
      url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x',
      status: 'ready',
      error: null,
    });
    const google = await schedule({ provider: 'google' });
    assertError(google, 400, 'VALIDATION_FAILED');
    assert.deepEqual(google.json().error.details, [{ field: 'body.meeting.provider', message: 'must be one of: jitsi, manual' }]);
    assertError(await schedule({ url: 'javascript:alert(1)' }), 400, 'VALIDATION_FAILED');
    assertError(await schedule({ url: 'https://localhost/x' }), 400, 'VALIDATION_FAILED');
    assertError(await schedule({ url: `https://meet.example.com/${'a'.repeat(2050)}` }), 400, 'VALIDATION_FAILED');
  });
});

describe('JWT-secured Jitsi rooms (JITSI_APP_ID / JITSI_APP_SECRET)', () => {
  let t: TestApp;
  let c: Course;
  before(async () => {
    t = await makeTestApp('pglite', {
      JITSI_BASE_URL: 'https://meet.school.edu',
      JITSI_APP_ID: 'skillprobe',
      JITSI_APP_SECRET: APP_SECRET,
    });
    c = await makeCourse(t);
  });
  after(() => t.close());

  test('each person joins with their own token for that room; mentors are moderators, students are not', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/live-sessions',
      token: c.mentor,
      body: { courseId: c.courseId, title: 'Secured', scheduledStart: new Date(Date.now() + 60_000).toISOString(), durationMinutes: 60 },
    });
    const s = created.json();
    const room = new URL(s.meeting.url).pathname.slice(1);
    assert.equal(new URL(s.meeting.url).search, '', 'the session object carries the bare room, never a token');
    const joinAs = async (token: string) => {
      const res = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token });
      const url = new URL(res.json().meeting.url);
      assert.equal(url.origin + url.pathname, `https://meet.school.edu/${room}`);
      const jwt = url.searchParams.get('jwt') ?? '';
      const { payload } = await jwtVerify(jwt, new TextEncoder().encode(APP_SECRET), {
        issuer: 'skillprobe',
        audience: 'jitsi',
        algorithms: ['HS256'],
      });
      return payload as any;
    };
    const student = await joinAs(c.student);
    assert.equal(student.room, room);
    assert.equal(student.sub, 'meet.school.edu');
    assert.deepEqual(student.context.user, { id: `${c.courseId}-s1`, name: 'Sam Student', moderator: false, affiliation: 'member' });
    assert.ok(student.exp * 1000 > Date.now() + 60 * 60_000, 'valid until after the class');
    const mentor = await joinAs(c.mentor);
    assert.equal(mentor.context.user.moderator, true);
    assert.equal(mentor.context.user.affiliation, 'owner');

    // The socket join hands out the same personal link.
    const socket = await connect(await listen(t), c.student2);
    const ack = await request(socket, 'session:join', { sessionId: s.id });
    socket.close();
    assert.equal(ack.ok, true);
    const viaSocket = new URL(ack.ok ? ack.data.session.meeting.url : '');
    const claims = (await jwtVerify(viaSocket.searchParams.get('jwt') ?? '', new TextEncoder().encode(APP_SECRET))).payload as any;
    assert.equal(claims.context.user.id, `${c.courseId}-s2`);
  });
});
