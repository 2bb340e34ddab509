/**
 * /metrics as an operator's Prometheus sees it: after a small class the class's metrics are there with sensible
 * values; the token is required; METRICS_PORT moves the endpoint off the main port; and a fan-out that falls back to
 * socket.emit shows in a counter and one log line.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { io as connectClient } from 'socket.io-client';
import type { RealtimeSocket as ServerSocket } from '../realtime/server.ts';
import { makeClassFixture } from '../chat/class.fixture.ts';
import { dbTargets, makeCourse, makeSession, makeTestApp } from '../test/harness.ts';
import { listen, request } from '../test/sockets.ts';
import { groupCommit } from '../db/batcher.ts';
import { createMetrics } from './metrics.ts';

const TOKEN = 'metrics-token-for-the-tests-0123';
const silentLog = Object.fromEntries(['info', 'warn', 'error', 'debug', 'trace', 'fatal'].map((level) => [level, () => {}])) as never;

/** Every sample of the Prometheus text, by `name{labels}` exactly as printed. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const value = (all: Map<string, number>, key: string) => {
  const v = all.get(key);
  assert.notEqual(v, undefined, `${key} is missing`);
  return v as number;
};

for (const target of await dbTargets('metrics')) {
  describe(`metrics (${target})`, () => {
    test('after a class (joins, chat, a vote, a refused message) /metrics shows it with sensible values', async () => {
      const f = await makeClassFixture(target, { METRICS_TOKEN: TOKEN, CHAT_RATE_PER_MIN: '2' });
      try {
        const s = await f.live();
        const mentor = await f.joined(f.c.mentor, s.id);
        const student = await f.joined(f.c.student, s.id);
        for (const body of ['hello', 'again'])
          assert.equal((await request(student.socket, 'chat:send', { sessionId: s.id, body })).ok, true);
        const refused = await request(student.socket, 'chat:send', { sessionId: s.id, body: 'one too many' });
        assert.equal(refused.ok ? 'ok' : refused.error.code, 'RATE_LIMITED');
        const poll = await request(mentor.socket, 'poll:create', {
          sessionId: s.id,
          question: '2 + 2?',
          type: 'single',
          options: ['3', '4'],
        });
        assert.equal(poll.ok, true, JSON.stringify(poll));
        assert.equal((await request(student.socket, 'poll:vote', { pollId: poll.ok && poll.data.id, choice: 1 })).ok, true);
        await mentor.heard.waitFor((e) => e.event === 'chat:message' && e.payload.message?.body === 'again');

        const res = await f.t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
        const m = samples(res.body);

        assert.equal(value(m, 'skill_probe_sockets_connected'), 2);
        assert.equal(value(m, 'skill_probe_session_rooms'), 1);
        assert.equal(value(m, 'skill_probe_session_room_members'), 2);
        assert.equal(value(m, 'skill_probe_events_appended_total{event="chat:message"}'), 2);
        assert.equal(value(m, 'skill_probe_events_appended_total{event="poll:opened"}'), 1);
        assert.ok(value(m, 'skill_probe_events_fanned_out_total') >= 3);
        assert.ok(value(m, 'skill_probe_fanout_passes_total') >= 1);
        assert.ok(value(m, 'skill_probe_fanout_deliveries_total') >= 2 * 3, 'two members heard at least three events');
        assert.equal(value(m, 'skill_probe_rate_limit_refusals_total{limit="chat"}'), 1);
        assert.equal(value(m, 'skill_probe_db_batch_size_count{batcher="votes"}'), 1);
        assert.equal(value(m, 'skill_probe_db_batch_size_sum{batcher="votes"}'), 1);
        assert.equal(value(m, 'skill_probe_db_batch_commit_seconds_count{batcher="votes"}'), 1);
        assert.ok(value(m, 'skill_probe_db_batch_commit_seconds_sum{batcher="votes"}') > 0);
        assert.ok(value(m, 'skill_probe_db_batch_size_count{batcher="attendance"}') >= 1, 'the two joins opened segments');
        assert.ok(value(m, 'skill_probe_db_pool_connections{state="total"}') >= 1);
        if (target === 'postgres') assert.ok(m.has('skill_probe_db_pool_connections{state="waiting"}'));
        for (const state of ['running', 'queued', 'retrying']) assert.equal(value(m, `skill_probe_meeting_jobs{state="${state}"}`), 0);
        // By route pattern: the session's id never becomes a label.
        const putRoute = 'method="PUT",route="/api/live-sessions/:sessionId",status_code="200"';
        assert.ok(value(m, `skill_probe_http_request_duration_seconds_count{${putRoute}}`) >= 1);
        assert.ok(!res.body.includes(s.id), 'no series names the session');
        assert.ok(value(m, 'nodejs_eventloop_lag_p99_seconds') >= 0);
        assert.ok(value(m, 'process_cpu_user_seconds_total') > 0);
      } finally {
        await f.close();
      }
    });
  });
}

describe('the /metrics endpoint', () => {
  const apps: { close: () => Promise<void> }[] = [];
  after(async () => {
    for (const t of apps) await t.close();
  });

  test('with METRICS_TOKEN it needs that bearer token: none, a wrong one or a user JWT get 401', async () => {
    const t = await makeTestApp('pglite', { METRICS_TOKEN: TOKEN });
    apps.push(t);
    const c = await makeCourse(t);
    const get = (authorization?: string) =>
      t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, TOKEN, `Bearer ${c.admin}`]) {
      const res = await get(authorization);
      assert.equal(res.statusCode, 401, String(authorization));
      assert.equal(res.json().error.code, 'UNAUTHENTICATED');
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
    assert.equal((await get(`Bearer ${TOKEN}`)).statusCode, 200);
  });

  test('a REST request over the per-user limit is counted as a rest refusal', async () => {
    const t = await makeTestApp('pglite', { METRICS_TOKEN: TOKEN, RATE_LIMIT_MAX: '2' });
    apps.push(t);
    const c = await makeCourse(t);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await t.request({ method: 'GET', url: `/api/live-sessions?courseId=${c.courseId}`, token: c.student })).statusCode);
    assert.deepEqual(statuses, [200, 200, 429]);
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(value(samples(res.body), 'skill_probe_rate_limit_refusals_total{limit="rest"}'), 1);
  });

  test('a batch the database refuses counts its writes as failed, not as committed', async () => {
    const metrics = createMetrics(silentLog);
    const batcher = groupCommit<number, number>(
      async () => {
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      },
      { observer: metrics.batches('votes') },
    );
    const outcomes = await Promise.allSettled([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected'],
    );
    const m = samples(await metrics.registry.metrics());
    assert.equal(value(m, 'skill_probe_db_batch_failed_writes_total{batcher="votes"}'), 3);
    assert.equal(m.get('skill_probe_db_batch_size_count{batcher="votes"}') ?? 0, 0);
  });

  test('with neither METRICS_TOKEN nor METRICS_PORT there is no /metrics', async () => {
    const t = await makeTestApp('pglite');
    apps.push(t);
    assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
  });

  test('with METRICS_PORT it is served on that port (token too when set), and not on the main port', async () => {
    const t = await makeTestApp('pglite', { METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    apps.push(t);
    const c = await makeCourse(t);
    await makeSession(t, c.mentor, c.courseId);
    const base = await listen(t);
    // It starts listening once the app does (an onListen hook), a moment after listen() resolves.
    const server = t.app.metricsServer!;
    if (!server.listening) await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    assert.notEqual(`http://127.0.0.1:${port}`, base);

    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scraped.status, 200);
    const m = samples(await scraped.text());
    assert.equal(
      value(m, 'skill_probe_http_request_duration_seconds_count{method="POST",route="/api/live-sessions",status_code="201"}'),
      1,
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  });

  test('fan-out to a long-polling client falls back to socket.emit, and the counter shows it', async () => {
    const f = await makeClassFixture('pglite', { METRICS_TOKEN: TOKEN });
    try {
      const s = await f.live();
      const polling = connectClient(f.base, {
        auth: { token: f.c.student2 },
        transports: ['polling'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => polling.once('connect', resolve).once('connect_error', reject));
      assert.equal((await request(polling, 'session:join', { sessionId: s.id })).ok, true);
      const heard = new Promise((resolve) => polling.once('chat:message', resolve));
      const mentor = await f.open(f.c.mentor);
      assert.equal((await request(mentor, 'chat:send', { sessionId: s.id, body: 'over polling' })).ok, true);
      await heard;
      polling.disconnect();
      const res = await f.t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.ok(value(samples(res.body), 'skill_probe_fanout_fallback_writes_total{reason="polling"}') >= 1);
    } finally {
      await f.close();
    }
  });

  test('Socket.IO internals an upgrade changed: every fallback is counted, and logged once with the socket and transport', () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = Object.fromEntries(
      ['info', 'warn', 'error', 'debug', 'trace', 'fatal'].map((level) => [
        level,
        (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg }),
      ]),
    ) as never;
    const metrics = createMetrics(log);
    // Open on websocket, but ws's sender is not where this version of the code looks for it.
    const socket = {
      id: 'sock-1',
      connected: true,
      conn: { readyState: 'open', writeBuffer: [], transport: { name: 'websocket', writable: true, socket: {} } },
    };
    for (let i = 0; i < 3; i++) metrics.fanout.fellBack(socket as unknown as ServerSocket);
    return metrics.registry.metrics().then((text) => {
      assert.equal(value(samples(text), 'skill_probe_fanout_fallback_writes_total{reason="unrecognised"}'), 3);
      assert.equal(lines.length, 1);
      assert.equal(lines[0]?.level, 'warn');
      assert.equal(lines[0]?.obj.socketId, 'sock-1');
      assert.equal(lines[0]?.obj.transport, 'websocket');
      assert.equal(lines[0]?.obj.reason, 'unrecognised');
    });
  });
});
