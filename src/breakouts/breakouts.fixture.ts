/**
 * Test fixture for breakouts: the class fixture (course-1 with a mentor and students s1, s2), four more students
 * (s3 … s6), and shorthands for the breakout routes.
 */
import assert from 'node:assert/strict';
import { type ClassFixture, makeClassFixture } from '../chat/class.fixture.ts';
import type { DbTarget } from '../test/harness.ts';

export interface Student {
  id: string;
  token: string;
}

export type BreakoutFixture = Awaited<ReturnType<typeof makeBreakoutFixture>>;

/** A round as the API returns it (the fields the tests read). */
export interface Round {
  id: string;
  sessionId: string;
  status: string;
  assignment: string;
  capacity: number | null;
  endsAt: string;
  warningSeconds: number;
  closedAt: string | null;
  broadcast: { text: string; at: string } | null;
  rooms: {
    id: string;
    name: string;
    sessionId: string;
    memberIds: string[];
    meeting: { status: string };
    helpRequestedAt: string | null;
  }[];
}

export async function makeBreakoutFixture(target: DbTarget, env: Record<string, string> = {}, f?: ClassFixture) {
  const fx = f ?? (await makeClassFixture(target, env));
  const extra = [3, 4, 5, 6].map((n) => ({ userId: `course-1-s${n}`, name: `Student ${n}`, role: 'student' }));
  const res = await fx.t.request({ method: 'PUT', url: '/api/courses/course-1/members', token: fx.c.admin, body: { members: extra } });
  assert.equal(res.statusCode, 200, res.body);
  const students: Student[] = [
    { id: 'course-1-s1', token: fx.c.student },
    { id: 'course-1-s2', token: fx.c.student2 },
  ];
  for (const m of extra) students.push({ id: m.userId, token: await fx.t.token({ sub: m.userId, role: 'student', name: m.name }) });

  const url = (sessionId: string, rest = '') => `/api/live-sessions/${sessionId}/breakouts${rest}`;
  return {
    ...fx,
    students,
    url,
    /** POST …/breakouts as the mentor (or `token`); the raw response. */
    openRound: (sessionId: string, body: Record<string, unknown>, token = fx.c.mentor) =>
      fx.t.request({ method: 'POST', url: url(sessionId), token, body }),
    /** Opens a round and returns it (asserting 201). */
    async opened(sessionId: string, body: Record<string, unknown>): Promise<{ round: Round; seq: number }> {
      const res = await fx.t.request({ method: 'POST', url: url(sessionId), token: fx.c.mentor, body });
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    },
    /** POST …/breakouts/:roundId/<action> as the mentor (or `token`). */
    act: (sessionId: string, roundId: string, action: string, body: unknown, token = fx.c.mentor) =>
      fx.t.request({ method: 'POST', url: url(sessionId, `/${roundId}/${action}`), token, body }),
    /** GET …/breakouts as the mentor (or `token`). */
    async list(sessionId: string, token = fx.c.mentor): Promise<{ current: Round | null; past: Round[] }> {
      const res = await fx.t.request({ method: 'GET', url: url(sessionId), token });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    },
  };
}

/** The room a user is in, by name (undefined when none). */
export const roomOf = (round: Round, userId: string) => round.rooms.find((r) => r.memberIds.includes(userId));

/** The error code of a failed response, or its status. */
export const errorCode = (res: { statusCode: number; json: () => { error?: { code: string } } }) =>
  res.statusCode < 300 ? res.statusCode : res.json().error?.code;
