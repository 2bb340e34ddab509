/**
 * Test fixture for the in-class features: an app with two courses and generous action limits (suites override
 * them to test limits), live sessions, and clients joined to a session room.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { type Course, type DbTarget, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { connect, listen, recorder, request } from '../test/sockets.ts';

const GENEROUS = { CHAT_RATE_PER_MIN: '10000', QA_RATE_PER_MIN: '10000', UPVOTE_RATE_PER_MIN: '10000' };

export interface ClassFixture {
  t: TestApp;
  c: Course;
  other: Course;
  base: string;
  /** A live session of course-1 (settings may switch features off). */
  live: (settings?: Record<string, boolean>) => Promise<{ id: string }>;
  /** A connected client (closed by `close`). */
  open: (token: string) => Promise<Socket>;
  /** A connected client in the session room, recording what it hears. */
  joined: (token: string, sessionId: string) => Promise<{ socket: Socket; heard: ReturnType<typeof recorder> }>;
  close: () => Promise<void>;
}

export async function makeClassFixture(target: DbTarget, env: Record<string, string> = {}): Promise<ClassFixture> {
  const t = await makeTestApp(target, { ...GENEROUS, ...env });
  const c = await makeCourse(t, 'course-1');
  const other = await makeCourse(t, 'course-2');
  const base = await listen(t);
  const sockets: Socket[] = [];
  const open = async (token: string) => {
    const s = await connect(base, token);
    sockets.push(s);
    return s;
  };
  return {
    t,
    c,
    other,
    base,
    open,
    async live(settings) {
      const s = await makeSession(t, c.mentor, c.courseId, settings ? { settings } : {});
      const res = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'live' } });
      assert.equal(res.statusCode, 200, res.body);
      return s;
    },
    async joined(token, sessionId) {
      const socket = await open(token);
      const heard = recorder(socket);
      const ack = await request(socket, 'session:join', { sessionId });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      return { socket, heard };
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await t.close();
    },
  };
}

/** The error code of a failed ack, or 'ok'. */
export const codeOf = (ack: { ok: boolean; error?: { code: string } }): string => (ack.ok ? 'ok' : (ack.error?.code ?? '?'));
