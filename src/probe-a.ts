import { makeClassFixture, codeOf } from './chat/class.fixture.ts';
import { request, recorder, connect } from './test/sockets.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = await makeClassFixture('pglite', { PRESENCE_GRACE_MS: '200' });
const s = await f.live();
const openSegs = async () => (await f.t.db.selectFrom('session_attendance').select(['user_id', 'left_at']).where('session_id', '=', s.id).where('left_at', 'is', null).execute()).map((r) => r.user_id);

// A. double concurrent join on one socket, then leave + disconnect
const a = await f.open(f.c.student);
const [j1, j2] = await Promise.all([request(a, 'session:join', { sessionId: s.id }), request(a, 'session:join', { sessionId: s.id })]);
console.log('A joins', codeOf(j1), codeOf(j2));
console.log('A leave', codeOf(await request(a, 'session:leave', { sessionId: s.id })));
a.disconnect();
await sleep(600);
console.log('A open segments after leave+disconnect:', await openSegs());

// B. join then immediate disconnect
const b = await f.open(f.c.student2);
b.emit('session:join', { sessionId: s.id });
await sleep(1);
b.disconnect();
await sleep(800);
console.log('B open segments after join+disconnect:', await openSegs());

// C. presence:update heard by a student
const m = await f.joined(f.c.mentor, s.id);
const st = await f.joined(f.c.student, s.id);
await sleep(1300);
const pu = st.heard.received.filter((e) => e.event === 'presence:update');
console.log('C student heard presence:update', JSON.stringify(pu.at(-1)?.payload));

// D. bad payloads
for (const p of ['x', 5, null, [], true, JSON.parse('{"__proto__":{"a":1},"sessionId":"' + s.id + '","body":"hi"}'), { sessionId: s.id, body: 'x'.repeat(3000) }]) {
  const r = await request(st.socket, 'chat:send', p).catch((e) => ({ ok: false, error: { code: 'TIMEOUT ' + e.message } }));
  console.log('D chat:send', JSON.stringify(p)?.slice(0, 60), codeOf(r as any));
}
for (const ev of ['session:join', 'qa:ask', 'qa:upvote', 'poll:vote', 'poll:create', 'session:status', 'chat:delete', 'qa:answer']) {
  const r = await request(st.socket, ev, undefined).catch((e) => ({ ok: false, error: { code: 'TIMEOUT' } }));
  const r2 = await request(st.socket, ev, { __proto__: null, constructor: 1 }).catch((e) => ({ ok: false, error: { code: 'TIMEOUT' } }));
  console.log('D', ev, codeOf(r as any), codeOf(r2 as any));
}
st.socket.emit('chat:send', { sessionId: s.id, body: 'no ack' });
st.socket.emit('chat:send');
await sleep(200);
console.log('D still alive', codeOf(await request(st.socket, 'chat:send', { sessionId: s.id, body: 'alive' })));
// sinceSeq huge / negative
console.log('D join sinceSeq 1e15', JSON.stringify(await request(st.socket, 'session:join', { sessionId: s.id, sinceSeq: 1e15 })).slice(0, 200));
await f.close();
