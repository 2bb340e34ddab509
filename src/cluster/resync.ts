import type { Server } from 'socket.io';
import type { Db } from '../db/kysely.ts';
import { listEventsAfter } from '../events/events.repo.ts';
import type { Channels } from '../realtime/channels.ts';

const ROOM = 'session:';
/** Events read per session per resync; a longer gap is read again on the next one. */
const READ_LIMIT = 1000;

/**
 * Brings this node's session rooms up to the log: events committed on another node whose message Redis lost (an
 * outage, a restart) are read from PostgreSQL and published here, in seq order. One query finds the sessions behind.
 */
export async function resyncChannels(io: Server, db: Db, channels: Channels): Promise<number> {
  const ids = [...io.sockets.adapter.rooms.keys()].filter((r) => r.startsWith(ROOM)).map((r) => r.slice(ROOM.length));
  if (ids.length === 0) return 0;
  const rows = await db.selectFrom('live_sessions').select(['id', 'last_seq']).where('id', 'in', ids).execute();
  let published = 0;
  for (const row of rows) {
    const head = channels.head(row.id);
    if (Number(row.last_seq) <= head) continue;
    const events = await listEventsAfter(db, row.id, head, READ_LIMIT);
    channels.publish(row.id, events);
    published += events.length;
  }
  return published;
}
