/**
 * A node leaving the cluster: once it has taken its people out of the presence mirror, no heal may put them back
 * (other nodes would count a closed node's students as present until its entries expired).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Db } from '../db/kysely.ts';
import { liveSession } from '../polls/polls.fixtures.ts';
import { dbHooks } from '../test/db-hooks.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, makeCourse, makeTestApp, POSTGRES_URL } from '../test/harness.ts';
import { type RedisProcess, startRedis } from '../test/nodes.ts';
import { connect, listen, request } from '../test/sockets.ts';
import { joinCluster } from './cluster.ts';

const targets = await dbTargets('cluster quiesce');

/** A logger that keeps its warnings. */
function keptLog() {
  const warnings: string[] = [];
  const log = {
    level: 'warn',
    warn: (obj: unknown, msg?: string) => {
      warnings.push(msg ?? String(obj));
    },
    info: () => {},
    debug: () => {},
    error: () => {},
    fatal: () => {},
    trace: () => {},
    silent: () => {},
    child: () => log,
  };
  return { log: log as unknown as FastifyBaseLogger, warnings };
}

describe('a node leaving the cluster', { skip: !targets.includes('postgres') && 'needs PostgreSQL' }, () => {
  let redis: RedisProcess;
  let client: Redis;
  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.kill();
  });

  test('quiesce stops the heals, the periodic ones and those after an outage, and waits for one under way', async (t) => {
    const { log } = keptLog();
    const node = await joinCluster({ redisUrl: redis.url, resyncMs: 100 }, log);
    t.after(() => node.close());
    let runs = 0;
    let open: () => void = () => {};
    node.heal(async () => {
      runs += 1;
      await new Promise<void>((resolve) => {
        open = resolve;
      });
    });
    await eventually(() => runs === 1, 'the first heal');
    let quiesced = false;
    const quiescing = node.quiesce(10_000).then(() => {
      quiesced = true;
    });
    await sleep(300);
    assert.equal(quiesced, false, 'quiesce waits for the heal under way');
    open();
    await quiescing;
    // Past several intervals, and Redis going away and coming back (which heals at once).
    await redis.kill();
    await redis.start();
    await sleep(1000);
    assert.equal(runs, 1, 'no heal ran after quiesce');
  });

  test('quiesce waits for a heal that hangs only as long as it is given, and says so', async (t) => {
    const { log, warnings } = keptLog();
    const node = await joinCluster({ redisUrl: redis.url, resyncMs: 100 }, log);
    t.after(() => node.close());
    let started = false;
    node.heal(() => {
      started = true;
      return new Promise(() => {});
    });
    await eventually(() => started, 'the heal');
    const begun = Date.now();
    await node.quiesce(200);
    assert.ok(Date.now() - begun < 2000, `quiesce returned after ${Date.now() - begun} ms`);
    assert.ok(
      warnings.some((w) => /heal/.test(w)),
      warnings.join('\n'),
    );
  });

  test('a closing node waits for a heal under way before it leaves the presence mirror, so no heal writes after it', async () => {
    let hooks: ReturnType<typeof dbHooks> | undefined;
    const wrapDb = (db: Db) => {
      hooks = dbHooks(db);
      return hooks.db;
    };
    // Heals every 400 ms (the mirror's entries live three times that); presence.recover runs every sixth.
    const env = { REDIS_URL: redis.url, DATABASE_URL: POSTGRES_URL, CLUSTER_RESYNC_MS: '400' };
    const t = await makeTestApp('postgres', env, { wrapDb });
    const c = await makeCourse(t);
    const session = await liveSession(t, c);
    const socket = await connect(await listen(t), c.student);
    assert.equal((await request(socket, 'session:join', { sessionId: session.id })).ok, true);
    const mirrored = async () => (await client.keys(`sp:presence:${session.id}:*`)).filter((k) => !k.endsWith(':nodes'));
    assert.equal((await mirrored()).length, 1, "the student is in this node's part of the mirror");

    // The heal that adopts orphaned segments is held right after its read of them, as if the database were slow.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await hooks?.after('session_attendance', () => gate, { kind: 'select' });
    const closing = t.close();
    // Unheld, a close leaves the mirror within milliseconds; the heal would then adopt the student and write them
    // back (or, had the close gone further meanwhile, find Redis disconnected).
    await sleep(300);
    assert.equal((await mirrored()).length, 1, 'the node left the mirror while a heal that may write to it was under way');
    release();
    await closing;
    socket.disconnect();
    assert.deepEqual(await mirrored(), [], 'the closed node is still in the presence mirror');
  });
});
