import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClassEndHook } from '../sessions/session-lifecycle.ts';
import type { On } from './socket-handler.ts';

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
