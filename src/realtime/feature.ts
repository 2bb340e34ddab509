import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClassEndHook } from '../sessions/session-lifecycle.ts';
import type { On } from './socket-handler.ts';

/** An in-class feature (chat, Q&A, polls): its REST routes, its socket events, and what it does when class ends. */
export interface ClassFeature {
  routes: FastifyPluginAsyncZod;
  registerSocket: (on: On) => void;
  onClassEnd?: ClassEndHook;
  /** Stops timers (coalescers) when the app closes. */
  stop?: () => void;
}
