/**
 * The hourly retention job against a reader of the same log: wherever the drop lands among the reader's statements,
 * the reader gets the whole range it asked for or EVENTS_EXPIRED, never a replay with a hole in it. Each interleaving
 * is forced: the drop runs right after the reader's n-th read has returned, for every n the reader reaches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/kysely.ts';
import { dbHooks } from '../test/db-hooks.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { classThatEnded, eventCount } from './retention.fixtures.ts';
import { compactExpiredEvents } from './retention.ts';

const SINCE = 3;
/**
 * A reader's reads of the session and the log, where the drop may land. Not the roster (its reads come and go with
 * the access cache, which would make the n-th read a different one from run to run), nor background work.
 */
const READER_TABLES = ['live_sessions', 'session_events'];
/** More reads than either reader makes: past them, the drop would land after the reader is done. */
const MAX_READS = 12;

type Outcome = { expired: true } | { expired: false; seqs: number[]; hasMore: boolean };

for (const target of await dbTargets('event retention races')) {
  describe(`retention racing a reader of the log on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let hooks: ReturnType<typeof dbHooks>;
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      const env = { CHAT_RATE_PER_MIN: '10000', VOTE_RATE_PER_MIN: '10000' };
      const wrapDb = (db: Db) => {
        hooks = dbHooks(db);
        return hooks.db;
      };
      ({ t, c } = await makeTwoCourseApp(target, env, { wrapDb }));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    /**
     * Reads an ended class's log from SINCE with the drop after the reader's 1st, 2nd, … read, until the reader
     * makes fewer reads than that. Each outcome must be EVENTS_EXPIRED or every event after SINCE.
     */
    async function everyInterleaving(read: (sessionId: string) => Promise<Outcome>) {
      const outcomes: string[] = [];
      for (let n = 1; n <= MAX_READS; n++) {
        const old = await classThatEnded(t, c, 60);
        let seen = 0;
        hooks.after(
          READER_TABLES,
          async () => {
            if (++seen === n) await compactExpiredEvents(t.db, { retentionDays: 30 });
          },
          { kind: 'select', times: n },
        );
        const outcome = await read(old.id);
        hooks.clear();
        if (seen < n) return outcomes;
        assert.equal(await eventCount(t.db, old.id), 0, `the drop ran during the read (after read ${n})`);
        if (outcome.expired) {
          outcomes.push('expired');
          continue;
        }
        const whole = Array.from({ length: old.events - SINCE }, (_, i) => SINCE + 1 + i);
        assert.deepEqual(outcome.seqs, whole, `the drop after read ${n} left a hole in what was given`);
        assert.equal(outcome.hasMore, false);
        outcomes.push('whole');
      }
      assert.fail(`the reader made more than ${MAX_READS} reads`);
    }

    test('session:join { sinceSeq }: wherever the drop lands, the replay is whole or the ack is EVENTS_EXPIRED', async (ctx) => {
      const socket = await pool.open(c.student);
      const outcomes = await everyInterleaving(async (sessionId) => {
        const ack = await request(socket, 'session:join', { sessionId, sinceSeq: SINCE });
        await request(socket, 'session:leave', { sessionId });
        if (!ack.ok) {
          assert.equal(ack.error.code, 'EVENTS_EXPIRED', JSON.stringify(ack));
          return { expired: true };
        }
        const seqs = ack.data.events.map((e: { payload: { seq: number } }) => e.payload.seq);
        return { expired: false, seqs, hasMore: ack.data.hasMore };
      });
      ctx.diagnostic(`after read 1..${outcomes.length}: ${outcomes.join(', ')}`);
      // The drop after the session's read and before the replay's is the race this guards against.
      assert.ok(outcomes.includes('expired'), outcomes.join());
    });

    test('GET …/events?since=: wherever the drop lands, the page is whole or 410 EVENTS_EXPIRED', async (ctx) => {
      const outcomes = await everyInterleaving(async (sessionId) => {
        const res = await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/events?since=${SINCE}`, token: c.student });
        if (res.statusCode === 410) {
          assert.equal(res.json().error.code, 'EVENTS_EXPIRED');
          return { expired: true };
        }
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json() as { events: { payload: { seq: number } }[]; hasMore: boolean };
        return { expired: false, seqs: page.events.map((e) => e.payload.seq), hasMore: page.hasMore };
      });
      ctx.diagnostic(`after read 1..${outcomes.length}: ${outcomes.join(', ')}`);
      assert.ok(outcomes.includes('expired'), outcomes.join());
    });
  });
}
