/**
 * The outbox across a SIGKILL: events committed before the process died are delivered by the next process, each
 * answered once per webhook-id, whether the dead process was in the middle of sending one or had not tried yet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, freshDatabase, TEST_SECRET } from '../test/harness.ts';
import { startServer, stopServers } from '../test/server-process.ts';
import { startReceiver, verify } from './webhooks.fixture.ts';

const token = (claims: Claims) => signToken(new TextEncoder().encode(TEST_SECRET), claims, {});
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  stopServers();
  for (const clean of cleanups) await clean();
});

async function killed(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await eventually(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 'the process to be gone');
}

for (const target of await dbTargets('webhooks across a SIGKILL')) {
  describe(`the webhook outbox survives a SIGKILL on ${target}`, () => {
    test('events committed before the kill are delivered after the restart, answered once per id', async () => {
      let database: Record<string, string>;
      if (target === 'postgres') {
        const fresh = await freshDatabase(target);
        cleanups.push(fresh.drop);
        database = { DATABASE_URL: fresh.url as string };
      } else {
        const dataDir = mkdtempSync(join(tmpdir(), 'spl-webhooks-kill-'));
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        database = { DATA_DIR: dataDir };
      }
      const env = {
        ...database,
        WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOKS_POLL_MS: '50',
        WEBHOOKS_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'info',
      };
      const rx = await startReceiver();
      cleanups.push(rx.close);
      rx.answer(() => 'hang');

      const first = await startServer(env);
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const call = (base: string, method: string, path: string, bearer: string, body?: unknown) =>
        fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
      const roster = { members: [{ userId: 'm1', name: 'Mia', role: 'mentor' }] };
      assert.equal((await call(first.base, 'PUT', '/api/courses/c1/members', admin, roster)).status, 200);
      const hookRes = await call(first.base, 'POST', '/api/webhooks', admin, { url: rx.url, eventTypes: ['session.created'] });
      const hook = (await hookRes.json()) as { id: string; secret: string };
      const schedule = (title: string) =>
        call(first.base, 'POST', '/api/live-sessions', mentor, {
          courseId: 'c1',
          title,
          scheduledStart: '2026-12-01T10:00:00Z',
          durationMinutes: 45,
        });
      assert.equal((await schedule('In flight at the kill')).status, 201);
      await eventually(() => rx.received.length === 1, 'the first attempt, which the receiver leaves unanswered');
      // Committed (201) while the worker waits on the hung attempt: never tried before the kill.
      assert.equal((await schedule('Not yet tried at the kill')).status, 201);
      await killed(first.pid);
      const beforeRestart = rx.received.length;

      rx.answer(() => 200);
      const second = await startServer(env);
      const delivered = await eventually(
        async () => {
          const page = (await (await call(second.base, 'GET', `/api/webhooks/${hook.id}/deliveries`, admin)).json()) as {
            items: { state: string; eventId: string }[];
          };
          return page.items.length === 2 && page.items.every((d) => d.state === 'delivered') && page.items;
        },
        'both events delivered after the restart',
        15_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      const answered = rx.received.slice(beforeRestart);
      const titles = answered.map((r) => (verify(hook.secret, r).data.session as { title: string }).title).sort();
      assert.deepEqual(titles, ['In flight at the kill', 'Not yet tried at the kill'], 'each answered exactly once');
      assert.deepEqual(answered.map((r) => r.headers['webhook-id']).sort(), delivered.map((d) => d.eventId).sort());
      assert.equal(
        rx.received[0]?.headers['webhook-id'],
        answered.find((r) => r.body.includes('In flight'))?.headers['webhook-id'],
        'the same id as the attempt the kill cut off',
      );
      assert.equal((await second.terminate()).code, 0);
    });
  });
}
