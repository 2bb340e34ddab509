/**
 * The sampled students of `breakouts.ts`, in a process of their own (as `sustained.ts --apart` does): each real
 * student's device parses only its own frames, while the load client's one core parses all 5,000 copies of the
 * round before the sampled students' turn. They connect, join the class, time the class's chat (the body carries its
 * send time), and on `breakout:opened` find their room and join it; they report the wall-clock instants when asked.
 * Started with fork(); talks over the IPC channel.
 */
import type { BreakoutRound } from '../../src/breakouts/breakouts.schemas.ts';
import { connectMany, joinAll } from './class.ts';
import { wallClock } from './room-listener.ts';
import { pinSelf } from './targets.ts';

interface Start {
  base: string;
  sessionId: string;
  tokens: string[];
  userIds: string[];
}

export interface BreakoutHeard {
  /** [sent at, received at] of each class chat message at each sampled student (wall clock). */
  chats: [number, number][];
  toldAt: number[];
  joinedAt: number[];
  refused: number;
}

pinSelf(1);
process.once('message', async ({ base, sessionId, tokens, userIds }: Start) => {
  const students = await connectMany(base, tokens);
  await joinAll(students, sessionId);
  const heard: BreakoutHeard = { chats: [], toldAt: [], joinedAt: [], refused: 0 };
  students.forEach((s, i) => {
    s.on('chat:message', (p: { message: { body: string } }) => heard.chats.push([Number(p.message.body.split(' ')[2]), wallClock()]));
    s.on('breakout:opened', (p: { round: BreakoutRound }) => {
      heard.toldAt.push(wallClock());
      const mine = p.round.rooms.find((room) => room.memberIds.includes(userIds[i]!));
      if (!mine) return void heard.refused++;
      void s.request('session:join', { sessionId: mine.sessionId }).then((reply: { ok: boolean }) => {
        if (reply.ok) heard.joinedAt.push(wallClock());
        else heard.refused++;
      });
    });
  });
  process.on('message', (m: string) => {
    if (m !== 'stop') return;
    for (const s of students) s.close();
    process.send?.({ heard }, () => process.exit(0));
  });
  process.send?.('ready');
});
