import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** Every error reply has exactly this envelope: a code, a message, and details only when there are some. */
export function assertError(res: LightMyRequestResponse, status: number, code?: string) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(typeof body.error.message, 'string');
  if (code) assert.equal(body.error.code, code);
  return body.error as { code: string; message: string; details?: { field: string; message: string }[] };
}

/** A valid session body for course-1, for tests that vary one field. */
export const sessionBody = { courseId: 'course-1', title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 };
