import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { applySegmentChanges, listSegments } from './attendance.repo.ts';

for (const target of await dbTargets('attendance segments in batches')) {
  describe(`a batch of segment changes on ${target}`, () => {
    let t: TestApp;
    let sessionId: string;
    const [s1, s2] = ['course-1-s1', 'course-1-s2'];
    before(async () => {
      t = await makeTestApp(target);
      const c = await makeCourse(t);
      sessionId = (await makeSession(t, c.mentor, c.courseId)).id;
    });
    after(() => t.close());

    const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 10, 0, second));
    const segments = async () =>
      (await listSegments(t.db, sessionId)).map((r) => [r.user_id, r.joined_at.toISOString(), r.left_at?.toISOString() ?? null]);

    test('applies opens and closes in the order given: join, leave and join again make two segments', async () => {
      await applySegmentChanges(t.db, [
        { open: true, sessionId, userId: s1, at: at(1) },
        { open: true, sessionId, userId: s2, at: at(1) },
        // A second open while one is open keeps the first.
        { open: true, sessionId, userId: s1, at: at(2) },
        { open: false, sessionId, userId: s1, at: at(3) },
        { open: true, sessionId, userId: s1, at: at(4) },
      ]);
      assert.deepEqual(await segments(), [
        [s1, at(1).toISOString(), at(3).toISOString()],
        [s1, at(4).toISOString(), null],
        [s2, at(1).toISOString(), null],
      ]);
    });

    test('a close for someone not present changes nothing, and a segment never ends before it began', async () => {
      await applySegmentChanges(t.db, [
        { open: false, sessionId, userId: 'nobody', at: at(5) },
        { open: false, sessionId, userId: s2, at: at(0) },
      ]);
      const s2Rows = (await segments()).filter(([u]) => u === s2);
      assert.deepEqual(s2Rows, [[s2, at(1).toISOString(), at(1).toISOString()]]);
    });
  });
}
