import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Transaction } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import type { EventDraft } from '../events/events.repo.ts';
import type { RoomEvent } from '../realtime/protocol.ts';
import type { On } from '../realtime/socket-handler.ts';

/** What a class-end hook did: the events that tell the room, and details for the audit entry of the change. */
export interface ClassEndOutcome {
  events?: EventDraft[];
  audit?: Record<string, unknown>;
  /** What to run once the class end has committed (e.g. publish what the hook wrote to other sessions' logs). */
  afterCommit?: () => void;
}

/**
 * Something else that must end with the class (attendance segments, open polls), inside the transaction that ends
 * it, so the class never ends half-way.
 */
export type ClassEndHook = (trx: Transaction<Database>, sessionId: string, at: Date) => Promise<ClassEndOutcome>;

/**
 * Something that follows any change of a session row (a meeting provider told of a new title or time), inside the
 * change's transaction and against the row as it was (locked). Returns what to run once it has committed, if anything.
 */
export type SessionChangeHook = (
  trx: Transaction<Database>,
  before: LiveSessionRow,
  after: LiveSessionRow,
) => Promise<(() => void) | undefined>;

/** Turns replayed events into what one viewer may see of them (same seqs, in order); synchronous, so a join stays atomic. */
export type ReplayShape = <E extends RoomEvent>(events: E[]) => (E | RoomEvent)[];

/**
 * Prepares, before a replay, how it is shaped for a viewer (e.g. questions since dismissed leave a student's replay).
 * Async work happens here, so the replay itself can be shaped in the tick that joins the room.
 */
export type ReplayShaper = (sessionId: string, manages: boolean) => Promise<ReplayShape>;

/** Every feature's shaper, applied in turn; none costs nothing. */
export function composeReplayShapers(features: { shapeReplay?: ReplayShaper }[]): ReplayShaper {
  const shapers = features.flatMap((f) => (f.shapeReplay ? [f.shapeReplay] : []));
  return async (sessionId, manages) => {
    const shapes = await Promise.all(shapers.map((s) => s(sessionId, manages)));
    return <E extends RoomEvent>(events: E[]) => shapes.reduce<(E | RoomEvent)[]>((acc, shape) => shape(acc), events);
  };
}

/** An in-class feature (chat, Q&A, polls): its REST routes, its socket events, and what it does when class ends. */
export interface ClassFeature {
  routes: FastifyPluginAsyncZod;
  registerSocket: (on: On) => void;
  onClassEnd?: ClassEndHook;
  /** The app is closing: send what is owed (coalesced broadcasts) and stop timers. */
  stop?: () => Promise<void>;
  /** At start: send what a stopped or crashed process still owed. */
  recover?: () => Promise<void>;
  /** How a replay of the session's log is shaped for a viewer (join replays, GET …/events). */
  shapeReplay?: ReplayShaper;
}
