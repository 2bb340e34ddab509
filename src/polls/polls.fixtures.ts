/** Test factories for the poll suites: a live class and a poll in it, through the public API. */
import type { Course, TestApp } from '../test/harness.ts';
import { makeSession } from '../test/harness.ts';

/** Schedules a session as the course mentor and starts it. */
export async function liveSession(t: TestApp, c: Course, overrides: Record<string, unknown> = {}) {
  const s = await makeSession(t, c.mentor, c.courseId, overrides);
  const res = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'live' } });
  if (res.statusCode !== 200) throw new Error(`start failed: ${res.body}`);
  return s;
}

export const singleChoice = { question: 'Best traversal?', type: 'single', options: ['BFS', 'DFS', 'Dijkstra'] };

/** Opens a poll over REST and returns the response (the body is the poll). */
export function openPoll(t: TestApp, token: string, sessionId: string, body: Record<string, unknown> = singleChoice) {
  return t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/polls`, token, body });
}

/** Opens a poll as the mentor and returns its id; throws when refused. */
export async function pollIn(t: TestApp, c: Course, sessionId: string, body: Record<string, unknown> = singleChoice): Promise<string> {
  const res = await openPoll(t, c.mentor, sessionId, body);
  if (res.statusCode !== 201) throw new Error(`poll setup failed: ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Votes over REST. */
export function vote(t: TestApp, token: string, sessionId: string, pollId: string, choice: unknown) {
  return t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/polls/${pollId}/respond`, token, body: { choice } });
}

export function readPoll(t: TestApp, token: string, sessionId: string, pollId: string) {
  return t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls/${pollId}`, token });
}

export function closePollRest(t: TestApp, token: string, sessionId: string, pollId: string) {
  return t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/polls/${pollId}/close`, token });
}

/** The error code of a REST reply, or null on success. */
export const codeOf = (res: { statusCode: number; json: () => unknown }) =>
  res.statusCode < 300 ? null : (res.json() as { error: { code: string } }).error.code;
