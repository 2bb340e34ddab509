import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { EventDraft } from '../events/events.repo.ts';
import type { On } from '../realtime/socket-handler.ts';

/** Something else that must end with the class (open polls), in the same transaction; returns its events. */
export type ClassEndHook = (trx: Transaction<Database>, sessionId: string, at: Date) => Promise<EventDraft[]>;

/** An in-class feature (chat, Q&A, polls): its REST routes, its socket events, and what it does when class ends. */
export interface ClassFeature {
  routes: FastifyPluginAsyncZod;
  registerSocket: (on: On) => void;
  onClassEnd?: ClassEndHook;
  /** The app is closing: send what is owed (coalesced broadcasts) and stop timers. */
  stop?: () => Promise<void>;
  /** At start: send what a stopped or crashed process still owed. */
  recover?: () => Promise<void>;
}
