/** Setting up a class for a benchmark: a roster of N students, a live session, connections and joins. */
import { signToken } from '../../src/auth/tokens.ts';
import { connectSio, type SioClient } from './sio-client.ts';
import { BENCH_SECRET, type Target } from './targets.ts';

export const token = (sub: string, role: 'student' | 'mentor' | 'admin') =>
  signToken(new TextEncoder().encode(BENCH_SECRET), { sub, name: sub, role }, { ttlSeconds: 3600 });

/**
 * Opens `count` connections, a bounded number at a time (a real class does not connect in one instant either). They
 * opt in to batched room events, as the web app does; the baselines ignore the flag.
 */
export async function connectMany(base: string, tokens: string[]): Promise<SioClient[]> {
  const clients: SioClient[] = [];
  for (let i = 0; i < tokens.length; i += 200) {
    clients.push(...(await Promise.all(tokens.slice(i, i + 200).map((t) => connectSio(base, { token: t, batch: true })))));
  }
  return clients;
}

/** Our server needs a roster, a live session, and tokens; the baselines take anything. */
export async function prepareClass(target: Target, n: number) {
  if (target.kind !== 'ours') return { sessionId: 'room', tokens: Array.from({ length: n + 1 }, () => 'x') };
  const students = Array.from({ length: n }, (_, i) => `s${i}`);
  const admin = await token('lms', 'admin');
  const mentor = await token('m0', 'mentor');
  const call = async (method: string, path: string, body: unknown, bearer: string) => {
    const res = await fetch(`${target.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const members = [{ userId: 'm0', name: 'Mentor', role: 'mentor' }, ...students.map((id) => ({ userId: id, name: id, role: 'student' }))];
  await call('PUT', '/api/courses/bench/members', { members }, admin);
  const s = (await call(
    'POST',
    '/api/live-sessions',
    { courseId: 'bench', title: 'Bench', scheduledStart: new Date().toISOString(), durationMinutes: 60 },
    mentor,
  )) as { id: string };
  await call('PUT', `/api/live-sessions/${s.id}`, { status: 'live' }, mentor);
  return { sessionId: s.id, tokens: [mentor, ...(await Promise.all(students.map((id) => token(id, 'student'))))] };
}

/** Every client joins the session room (one at a time: the join storm is its own benchmark). */
export async function joinAll(clients: SioClient[], sessionId: string) {
  for (const c of clients) {
    const joined = await c.request('session:join', { sessionId });
    if (!joined.ok) throw new Error(`join refused: ${JSON.stringify(joined.error)}`);
  }
}
