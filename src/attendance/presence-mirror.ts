import type { Log } from '../background.ts';
import type { Person } from './presence-rooms.ts';

/**
 * Who is present on the other nodes of a cluster. `add` and `remove` change this node's part first and then read the
 * others' in the same ordered round trip, so of two nodes racing to open and close one user's segment, at least one
 * sees the other: a segment never closes while a socket of its user is in the class anywhere.
 */
export interface PresenceMirror {
  /** Records the person as present here; resolves whether another live node has them too. */
  add(sessionId: string, person: Person): Promise<boolean>;
  /** Forgets the person here; resolves whether another live node still has them. */
  remove(sessionId: string, userId: string): Promise<boolean>;
  /** People present on the other live nodes. */
  others(sessionId: string): Promise<Person[]>;
  /** Rewrites this node's whole part (after Redis lost it) and keeps it alive. */
  refresh(held: Map<string, Person[]>): Promise<void>;
}

/** One node: nobody is anywhere else. */
export const soloMirror: PresenceMirror = {
  add: async () => false,
  remove: async () => false,
  others: async () => [],
  refresh: async () => {},
};

/**
 * A failed mirror call, as presence takes it. A Redis outage must not stop attendance: without the mirror, each node
 * counts its own sockets. The outage itself is logged once by the cluster; each call it fails is only a debug line.
 */
export const mirrorFailed = (log: Log, op: string, sessionId: string) => (err: unknown) =>
  log.debug({ err, op, sessionId }, 'presence mirror unavailable');
