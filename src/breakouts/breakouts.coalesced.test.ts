import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../app.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, testConfig } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type BreakoutFixture, makeBreakoutFixture, type Round, roomOf } from './breakouts.fixture.ts';

/** The class's breakout:updated events after `since`, from its log. */
const updatesAfter = (f: BreakoutFixture, sessionId: string, since: number) =>
  f.t.db
    .selectFrom('session_events')
    .select(['seq', 'payload'])
    .where('session_id', '=', sessionId)
    .where('event', '=', 'breakout:updated')
    .where('seq', '>', since)
    .orderBy('seq')
    .execute();

for (const target of await dbTargets('coalesced breakout updates')) {
  describe(`breakout rounds: student changes are told coalesced on ${target}`, () => {
    let f: BreakoutFixture;
    before(async () => (f = await makeBreakoutFixture(target)));
    after(() => f.close());

    test('a self-select rush: every choice is acked at once, and the class hears them in fewer broadcasts than choices', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const { round, seq: openedAt } = await f.opened(s.id, { rooms: 3, assignment: 'self-select', durationMinutes: 5 });
      const pick = (i: number) => round.rooms[i % 3] as Round['rooms'][0];
      const acks = await Promise.all(f.students.map((st, i) => f.act(s.id, round.id, 'choose', { roomId: pick(i).id }, st.token)));
      for (const [i, res] of acks.entries()) {
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { round: Round; seq: number };
        assert.equal(roomOf(body.round, f.students[i]?.id as string)?.id, pick(i).id, 'the ack shows the choice');
        assert.ok(body.seq >= openedAt, 'the ack carries the class seq at the change');
      }

      const everyone = (r: Round) => f.students.every((st, i) => roomOf(r, st.id)?.id === pick(i).id);
      await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && everyone(e.payload.round));
      const updates = await updatesAfter(f, s.id, openedAt);
      assert.ok(updates.length < f.students.length, `${f.students.length} choices told in ${updates.length} broadcasts`);
      // A client that replays from its ack's seq learns its room: the broadcast that tells it comes after the ack.
      for (const [i, res] of acks.entries()) {
        const { seq } = res.json() as { seq: number };
        const later = (await updatesAfter(f, s.id, seq)).map((u) => (u.payload as { round: Round }).round);
        assert.ok(
          later.some((r) => roomOf(r, f.students[i]?.id as string)?.id === pick(i).id),
          'told after the ack',
        );
      }
      const flag = await f.t.db
        .selectFrom('breakout_rounds')
        .select('broadcast_pending')
        .where('id', '=', round.id)
        .executeTakeFirstOrThrow();
      assert.equal(flag.broadcast_pending, false);
    });

    test('a help request is told coalesced too; a mentor’s move right after says it in its own event', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const assignments = { 'course-1-s1': 0, 'course-1-s2': 1 };
      const { round } = await f.opened(s.id, { rooms: 2, assignment: 'manual', assignments, durationMinutes: 5 });
      const [a] = round.rooms as Round['rooms'];
      const asked = await f.act(s.id, round.id, 'help', { roomId: a?.id }, f.c.student);
      assert.equal(asked.statusCode, 200, asked.body);
      const moved = await f.act(s.id, round.id, 'moves', { userId: 'course-1-s2', roomId: a?.id });
      assert.equal(moved.statusCode, 200, moved.body);
      const { seq } = moved.json() as { seq: number };
      const told = await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && e.payload.seq === seq);
      assert.ok(told.payload.round.rooms[0].helpRequestedAt, 'the move’s event carries the help request');
      assert.deepEqual(told.payload.round.rooms[1].memberIds, []);
      // The owed broadcast found nothing left to say: the move's event said it.
      await new Promise((r) => setTimeout(r, 1300));
      assert.deepEqual(
        (await updatesAfter(f, s.id, seq)).map((u) => u.seq),
        [],
        'no second broadcast for the help request',
      );
    });

    test('a broadcast owed by a node that died is sent when a node starts', async () => {
      const s = await f.live();
      const { round, seq } = await f.opened(s.id, { rooms: 2, assignment: 'self-select', durationMinutes: 5 });
      const room = round.rooms[1] as Round['rooms'][0];
      // What a node committed before it died: the choice and the flag, and no event yet.
      await f.t.db.insertInto('breakout_members').values({ round_id: round.id, user_id: 'course-1-s1', room_id: room.id }).execute();
      await f.t.db.updateTable('breakout_rounds').set({ broadcast_pending: true }).where('id', '=', round.id).execute();

      const next = await buildApp(testConfig(), { db: f.t.db, logger: false });
      try {
        await next.ready();
        const told = await eventually(async () => (await updatesAfter(f, s.id, seq))[0], 'the owed breakout:updated');
        assert.deepEqual((told.payload as { round: Round }).round.rooms[1]?.memberIds, ['course-1-s1']);
      } finally {
        await next.close();
      }
      const socket = await f.open(f.c.mentor);
      const replay = await request(socket, 'session:join', { sessionId: s.id, sinceSeq: seq });
      assert.ok(replay.ok && replay.data.events.some((e: { event: string }) => e.event === 'breakout:updated'), 'replayed on rejoin');
    });
  });
}
