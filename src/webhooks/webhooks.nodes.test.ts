import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, freshDatabase, TEST_SECRET, testConfig } from '../test/harness.ts';
import { quickEnv, type Receiver, startReceiver } from './webhooks.fixture.ts';

const token = (claims: Claims) => signToken(new TextEncoder().encode(TEST_SECRET), claims, {});

for (const target of await dbTargets('webhooks on several nodes')) {
  describe(`two nodes delivering one outbox on ${target}`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let nodes: FastifyInstance[];
    let rx: Receiver;
    before(async () => {
      database = await freshDatabase(target);
      nodes = [];
      for (let i = 0; i < 2; i++) {
        const app = await buildApp(testConfig(quickEnv), { db: database.db, logger: false });
        await app.ready();
        nodes.push(app);
      }
      rx = await startReceiver();
    });
    after(async () => {
      for (const app of nodes) await app.close();
      await database.drop();
      await rx.close();
    });

    test('each event is answered once although both nodes run the worker (claims with leases)', async () => {
      // A slow receiver: both workers poll (every 50 ms) while the other's claims are in flight.
      rx.answer(() => ({ status: 200, delayMs: 150 }));
      const [a, b] = nodes as [FastifyInstance, FastifyInstance];
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const auth = (bearer: string) => ({ authorization: `Bearer ${bearer}` });
      const roster = { members: [{ userId: 'm1', name: 'Mia', role: 'mentor' }] };
      await a.inject({ method: 'PUT', url: '/api/courses/c1/members', headers: auth(admin), payload: roster });
      const hook = await a.inject({
        method: 'POST',
        url: '/api/webhooks',
        headers: auth(admin),
        payload: { url: rx.url, eventTypes: ['session.created'] },
      });
      assert.equal(hook.statusCode, 201, hook.body);
      const n = 24;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          (i % 2 ? a : b).inject({
            method: 'POST',
            url: '/api/live-sessions',
            headers: auth(mentor),
            payload: { courseId: 'c1', title: `Class ${i}`, scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 45 },
          }),
        ),
      );
      await eventually(() => rx.received.length >= n, `${n} deliveries`, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      const ids = rx.received.map((r) => r.headers['webhook-id']);
      assert.equal(ids.length, n, 'no event sent twice');
      assert.equal(new Set(ids).size, n);
    });
  });
}
