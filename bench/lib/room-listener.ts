/**
 * What the sustained-class benchmark's students hear: every room event counted and checked for seq order, chat
 * messages counted per student, and at sampled students the chat latency and the reaction bursts. Used in the load
 * client's process and, with `--apart`, in a process of the sampled students' own (listeners-apart.ts).
 *
 * A chat message's body carries the wall-clock instant it was sent (`chatBody`), so a student in another process can
 * time it: `performance.timeOrigin + performance.now()` is the same clock in every process on the machine.
 */
import { ROOM_EVENTS } from '../../src/realtime/protocol.ts';
import type { SioClient } from './sio-client.ts';

export const wallClock = () => performance.timeOrigin + performance.now();

/** A chat body of the usual length that says when it was sent. */
export const chatBody = (n: number) => `msg ${n} ${wallClock().toFixed(3)} ${'x'.repeat(80)}`;
const sentAt = (body: string) => Number(body.split(' ')[2]);

export interface Heard {
  delivered: number;
  outOfOrder: number;
  /** Chat messages received, per student. */
  chatSeen: number[];
  /** Send-to-receipt milliseconds at the sampled students. */
  latencies: number[];
  /** Per sampled student: reaction:burst frames and the reactions they counted. */
  bursts: { frames: number; counted: number }[];
}

/** Listens on `students`; those whose index is a multiple of `sampleEvery` are sampled (none when it is 0). */
export function listen(students: SioClient[], sampleEvery: number): Heard {
  const heard: Heard = { delivered: 0, outOfOrder: 0, chatSeen: new Array<number>(students.length).fill(0), latencies: [], bursts: [] };
  students.forEach((s, i) => {
    const sampled = sampleEvery > 0 && i % sampleEvery === 0;
    let lastSeq = 0;
    for (const event of ROOM_EVENTS) {
      s.on(event, (payload: { seq: number; message?: { body: string } }) => {
        heard.delivered += 1;
        if (lastSeq !== 0 && payload.seq !== lastSeq + 1) heard.outOfOrder += 1;
        lastSeq = payload.seq;
        if (event !== 'chat:message') return;
        heard.chatSeen[i]! += 1;
        if (sampled) heard.latencies.push(wallClock() - sentAt(payload.message!.body));
      });
    }
    if (!sampled) return;
    const bursts = { frames: 0, counted: 0 };
    heard.bursts.push(bursts);
    s.on('reaction:burst', (payload: { counts: Record<string, number> }) => {
      bursts.frames += 1;
      for (const c of Object.values(payload.counts)) bursts.counted += c;
    });
  });
  return heard;
}
