/**
 * A node's presence once it has left the mirror at shutdown: heal work that outlived the cluster's wait for it
 * (a refresh, an adoption of orphaned segments) must not write this node's people back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../auth/actor.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import { liveSession } from '../polls/polls.fixtures.ts';
import { type Course, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { createPresence } from './presence.ts';
import type { PresenceMirror } from './presence-mirror.ts';
import type { Person } from './presence-rooms.ts';

/** A mirror that only records what this node wrote to it, in order. */
function recordingMirror() {
  const writes: string[] = [];
  const mirror: PresenceMirror = {
    add: async (_sessionId, person) => {
      writes.push(`add ${person.id}`);
      return false;
    },
    remove: async () => false,
    others: async () => [],
    refresh: async (held: Map<string, Person[]>) => {
      const people = [...held.values()].flat().map((p) => p.id);
      writes.push(`refresh ${people.join(',') || '(nobody)'}`);
    },
  };
  return { mirror, writes };
}

describe('presence after it left the mirror', () => {
  let t: TestApp;
  let c: Course;
  let base: string;
  const pool = socketPool(() => base);
  before(async () => {
    ({ t, c } = await makeTwoCourseApp('pglite'));
    base = await listen(t);
  });
  after(async () => {
    pool.closeAll();
    await t.close();
  });

  test('a refresh or an adoption after leaveMirror writes nobody back', async (ctx) => {
    const session = await liveSession(t, c);
    // A socket segment this presence does not hold (the app's own presence opened it): recover() would adopt it.
    await pool.member(c.student2, session.id);
    const { mirror, writes } = recordingMirror();
    const deps = { db: t.db, log: t.app.log, publish: () => {} } as unknown as ClassDeps;
    const presence = createPresence(deps, 60_000, mirror);
    ctx.after(() => presence.stop());
    const mentor: Actor = { id: `${c.courseId}-mentor`, name: 'Mia Mentor', role: 'mentor', email: null, ip: null };
    await presence.enter(mentor, session.id, c.courseId);
    assert.deepEqual(writes, [`add ${mentor.id}`]);

    // An adoption under way when the node leaves: it read the open segments, and goes on after the leave.
    const adopting = presence.recover();
    await presence.leaveMirror();
    await adopting;
    await presence.refreshMirror();
    assert.deepEqual(writes, [`add ${mentor.id}`, 'refresh (nobody)'], 'written after the node left the mirror');
    assert.ok((await request(await pool.open(c.student), 'session:join', { sessionId: session.id })).ok, 'the app goes on');
  });
});
