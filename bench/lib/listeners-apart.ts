/**
 * The sampled students of `sustained.ts --apart`, in a process of their own: they connect, join, listen
 * (room-listener.ts) and report what they heard when asked. Each real student's device parses its own frames; in
 * the load client's process the sampled students' latency also held the time it took that one core to read the other
 * thousands of students' frames first. Started with fork(); talks over the IPC channel.
 */
import { connectMany, joinAll } from './class.ts';
import { type Heard, listen } from './room-listener.ts';
import { pinSelf } from './targets.ts';

interface Start {
  base: string;
  sessionId: string;
  tokens: string[];
}

pinSelf(1);
process.once('message', async ({ base, sessionId, tokens }: Start) => {
  const students = await connectMany(base, tokens);
  await joinAll(students, sessionId);
  const heard: Heard = listen(students, 1);
  process.on('message', (m: string) => {
    if (m === 'progress')
      process.send?.({ progress: { delivered: heard.delivered, minSeen: Math.min(...heard.chatSeen), bursts: heard.bursts } });
    if (m === 'stop') {
      for (const s of students) s.close();
      process.send?.({ heard }, () => process.exit(0));
    }
  });
  process.send?.('ready');
});
