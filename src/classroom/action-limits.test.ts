/**
 * Socket rate-limit refusals in the audit log: a flood shows up for an admin as one row per user, action and window,
 * with one node (budgets in the process) and with budgets kept in Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { dbTargets, POSTGRES_URL } from '../test/harness.ts';
import { type RedisProcess, startRedis } from '../test/nodes.ts';
import { request } from '../test/sockets.ts';

const targets = await dbTargets('audited action limits');
const setups = [
  ...targets.map((target) => ({ target, redis: false })),
  ...(targets.includes('postgres') ? [{ target: 'postgres' as const, redis: true }] : []),
];

for (const { target, redis: withRedis } of setups) {
  describe(`rate-limit refusals in the audit log on ${target}${withRedis ? ' with budgets in Redis' : ''}`, () => {
    let f: ClassFixture;
    let redis: RedisProcess | undefined;
    before(async () => {
      redis = withRedis ? await startRedis() : undefined;
      const cluster: Record<string, string> = redis ? { REDIS_URL: redis.url, DATABASE_URL: POSTGRES_URL } : {};
      f = await makeClassFixture(target, { CHAT_RATE_PER_MIN: '2', UPVOTE_RATE_PER_MIN: '2', ...cluster });
    });
    after(async () => {
      await f?.close();
      await redis?.kill();
    });

    /** What an admin reads: the user's denied entries in GET /api/audit. */
    const refusals = async (userId: string) => {
      const res = await f.t.request({ method: 'GET', url: `/api/audit?actorId=${userId}&outcome=denied`, token: f.c.admin });
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json().items as {
        action: string;
        target: { type: string; id: string };
        outcome: string;
        details: { code: string };
      }[];
      return items
        .filter((e) => e.action === 'rate_limit.exceeded')
        .map((e) => `${e.target.type}:${e.target.id} ${e.outcome} ${e.details.code}`)
        .sort();
    };

    test('a flood of chat messages and upvotes leaves one audit row per user and action', async () => {
      const s = await f.live();
      const { socket } = await f.joined(f.c.student, s.id);
      const { socket: other } = await f.joined(f.c.student2, s.id);
      const chats = [];
      for (let i = 0; i < 6; i++) chats.push(codeOf(await request(socket, 'chat:send', { sessionId: s.id, body: `flood ${i}` })));
      assert.deepEqual(chats, ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      const asked = await request(other, 'qa:ask', { sessionId: s.id, question: 'Why?' });
      const qaId = asked.ok ? asked.data.id : '';
      const upvotes = [];
      for (let i = 0; i < 5; i++) upvotes.push(codeOf(await request(socket, 'qa:upvote', { qaId })));
      assert.deepEqual(upvotes, ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      for (let i = 0; i < 4; i++) await request(other, 'chat:send', { sessionId: s.id, body: `other ${i}` });

      assert.deepEqual(await refusals('course-1-s1'), ['class_action:chat denied RATE_LIMITED', 'class_action:upvote denied RATE_LIMITED']);
      assert.deepEqual(await refusals('course-1-s2'), ['class_action:chat denied RATE_LIMITED'], 'each user has their own row');
    });
  });
}
