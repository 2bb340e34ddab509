import type { Actor } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { createWindowLimiter } from '../http/window-limiter.ts';

export type LimitedAction = 'chat' | 'question' | 'upvote' | 'vote' | 'join';

/**
 * Per-user budgets for class actions, shared by Socket.IO and REST so neither is a way around the other.
 * `take` throws RATE_LIMITED (with the wait in the message) once a user's budget for the minute is spent.
 */
export function createActionLimits(perMinute: Config['realtime']['perMinute']) {
  const limiters = {
    chat: createWindowLimiter(perMinute.chat, 60_000),
    question: createWindowLimiter(perMinute.question, 60_000),
    upvote: createWindowLimiter(perMinute.upvote, 60_000),
    vote: createWindowLimiter(perMinute.vote, 60_000),
    // Joins replay history and write attendance: generous for reconnects, but not a free loop.
    join: createWindowLimiter(60, 60_000),
  };
  return {
    take(actor: Actor, action: LimitedAction): void {
      const limiter = limiters[action];
      const wait = limiter.retryAfter(actor.id);
      if (wait > 0) throw new AppError('RATE_LIMITED', `Too many ${action} actions; retry in ${wait} s`);
      limiter.record(actor.id);
    },
  };
}

export type ActionLimits = ReturnType<typeof createActionLimits>;
